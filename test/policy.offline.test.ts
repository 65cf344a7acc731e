// The offline runner: config files resolved like the CLI resolves them,
// the argument objects policies receive, and the shape of the pack itself.
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { loadStackConfig, knownStacks } from "../tools/stackConfig";
import { allPolicies } from "../policy/allPolicies";
import { PackPolicy, ResourceValidationPolicy, StackValidationPolicy } from "../policy/lib/policyTypes";
import { evaluateWithConfig, loadPolicyConfig, policyConfigDir, resolvePolicyConfig, toPolicyResources } from "../policy/offline";
import { compliantObjects, resources } from "../policy/testing/fixtures";
import { withStrictConfig } from "../policy/lib/strictConfig";
import { pinnedImages } from "../policy/policies/pinnedImages";
import { replicasWithinNodes } from "../policy/policies/replicasWithinNodes";

const policyRoot = path.resolve(__dirname, "..", "policy");

describe("policy pack: structure", () => {
    it("has uniquely named policies, each with a description a reviewer can read", () => {
        const names = allPolicies.map((policy) => policy.name);
        assert.equal(new Set(names).size, names.length);
        for (const policy of allPolicies) {
            assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(policy.description.length > 60, `${policy.name}: description too short`);
            assert.ok(!("enforcementLevel" in (policy.configSchema?.properties ?? {})), `${policy.name}: enforcementLevel is reserved`);
        }
    });

    it("constructs the PolicyPack only in policy/index.ts (construction starts a gRPC server)", () => {
        const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
            entry.name === "node_modules" ? [] : entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : []);
        const constructing = sources(policyRoot).filter((file) => /new\s+PolicyPack\s*\(/.test(readFileSync(file, "utf8")));
        assert.deepEqual(constructing, [path.join(policyRoot, "index.ts")]);
    });
});

describe("policy pack: configuration", () => {
    it("has a policy config for every stack, and its node count matches the stack's", () => {
        for (const stack of knownStacks()) {
            const config = loadPolicyConfig(stack);
            const stackNodes = Number(loadStackConfig(stack).values["rocketchat-ha:schedulableNodes"]);
            assert.equal(config.get("replicas-within-schedulable-nodes")!.properties.schedulableNodes, stackNodes, `${stack}: schedulableNodes differs between Pulumi.${stack}.yaml and policy/config/${stack}.json`);
            const stackZones = Number(loadStackConfig(stack).values["rocketchat-ha:topologyZones"]);
            assert.equal(config.get("mongodb-zone-spread")!.properties.zones, stackZones, `${stack}: topologyZones differs between Pulumi.${stack}.yaml and policy/config/${stack}.json`);
        }
        assert.deepEqual(readdirSync(policyConfigDir).sort(), knownStacks().map((stack) => `${stack}.json`).sort());
    });

    it("is advisory for the HA shape in dev and mandatory everywhere in prod", () => {
        const dev = loadPolicyConfig("dev");
        const prod = loadPolicyConfig("prod");
        assert.equal(dev.get("ha-pod-anti-affinity")!.level, "advisory");
        assert.equal(dev.get("no-literal-secrets")!.level, "mandatory");
        assert.equal(dev.get("mongodb-zone-spread")!.level, "advisory");
        assert.equal(loadPolicyConfig("test").get("mongodb-zone-spread")!.level, "advisory");
        assert.ok([...prod.values()].every((policy) => policy.level === "mandatory"));
    });

    it("lets a policy's own entry beat 'all', applies schema defaults, and defaults to mandatory", () => {
        const config = resolvePolicyConfig({ all: "advisory", "pinned-images": { enforcementLevel: "mandatory" }, "mongodb-replica-set-members": { minMembers: 5 } });
        assert.equal(config.get("pinned-images")!.level, "mandatory");
        assert.equal(config.get("container-probes")!.level, "advisory");
        assert.deepEqual(config.get("mongodb-replica-set-members")!.properties, { minMembers: 5 });
        assert.deepEqual(config.get("replicas-within-schedulable-nodes")!.properties, { schedulableNodes: 3 });
        assert.equal(resolvePolicyConfig({}).get("container-probes")!.level, "mandatory");
    });

    it("rejects unknown policies, unknown settings, wrong types and levels in one error", () => {
        assert.throws(() => resolvePolicyConfig({
            "pinned-image": "mandatory",
            "replicas-within-schedulable-nodes": { schedulableNode: 3 },
            "mongodb-replica-set-members": { minMembers: "3" },
            "container-probes": "strict" as any,
        }), (error: Error) => {
            assert.match(error.message, /pinned-image is not a policy of this pack; did you mean pinned-images\?/);
            assert.match(error.message, /replicas-within-schedulable-nodes\.schedulableNode is not a setting of this policy; did you mean replicas-within-schedulable-nodes\.schedulableNodes\? \(known: schedulableNodes\)/);
            assert.match(error.message, /mongodb-replica-set-members\.minMembers must be of type integer, not string/);
            assert.match(error.message, /container-probes has enforcement level "strict"/);
            return true;
        });
    });
});

describe("policy pack: unknown config keys under the CLI (withStrictConfig)", () => {
    // The CLI validates policy config only against properties/required, so an unknown key reaches the policy.
    const stackArgs = (config: object) => ({ getConfig: () => config, resources: [] }) as any;

    it("a stack policy refuses a misspelled key before validating, and runs with a valid one", () => {
        const strict = withStrictConfig(replicasWithinNodes) as StackValidationPolicy;
        assert.throws(() => strict.validateStack(stackArgs({ schedulableNode: 3 }), () => undefined),
            /replicas-within-schedulable-nodes\.schedulableNode is not a setting of this policy \(known: schedulableNodes\)/);
        strict.validateStack(stackArgs({ schedulableNodes: 3 }), () => undefined);
    });

    it("a resource policy without a schema refuses any key", () => {
        const strict = withStrictConfig(pinnedImages) as ResourceValidationPolicy;
        const validators = [strict.validateResource].flat();
        assert.ok(validators.length > 0);
        const args = { getConfig: () => ({ allowLatest: true }), type: "kubernetes:core/v1:ConfigMap", props: {}, urn: "u", name: "n" } as any;
        for (const validate of validators) {
            assert.throws(() => validate!(args, () => undefined), /pinned-images\.allowLatest is not a setting of this policy \(known: none\)/);
        }
    });
});

describe("policy pack: offline runner", () => {
    /** A class as @pulumi/kubernetes generates them: the type token on a static field. */
    class FakeDeploymentClass {
        static readonly __pulumiType = "kubernetes:apps/v1:Deployment";
    }
    // Typed as any: @pulumi/policy expects a pulumi.Resource subclass from its own copy of @pulumi/pulumi.
    const FakeDeployment: any = FakeDeploymentClass;

    const probePolicy: ResourceValidationPolicy = {
        name: "probe-resource-args",
        description: "Test policy that reports what the runner passes to resource validations.",
        configSchema: { properties: { greeting: { type: "string", default: "hello" } } },
        validateResource: (args, report) => {
            if (!args.isType(FakeDeployment)) {
                args.notApplicable("only Deployments");
            }
            const props = args.asType(FakeDeployment) as any;
            report(`${args.getConfig<{ greeting: string }>().greeting} ${args.name} replicas=${props.spec.replicas}`, "urn:ignored");
        },
    };
    const stackProbe: StackValidationPolicy = {
        name: "probe-stack-args",
        description: "Test policy that reports what the runner passes to stack validations.",
        validateStack: (args, report) => {
            const deployments = args.resources.filter((resource) => resource.isType(FakeDeployment));
            report(`${deployments.length} deployment(s) of ${args.resources.length}`, deployments[0].urn);
            report("stack-wide");
        },
    };
    const run = (levels: Record<string, any>, policies: PackPolicy[]) =>
        evaluateWithConfig(resources(compliantObjects()), resolvePolicyConfig(levels, policies), policies);

    it("passes isType, asType, getConfig and notApplicable like @pulumi/policy, reporting the validated resource", async () => {
        const violations = await run({ all: "advisory" }, [probePolicy]);
        assert.deepEqual(violations, [{
            policy: "probe-resource-args",
            level: "advisory",
            resource: "urn:pulumi:unit::rocketchat-ha::kubernetes:apps/v1:Deployment::rocketchat",
            message: "hello rocketchat replicas=3",
        }]);
    });

    it("reports stack violations with or without a resource, and skips disabled policies", async () => {
        const violations = await run({ "probe-stack-args": "remediate", "probe-resource-args": "disabled" }, [probePolicy, stackProbe]);
        assert.deepEqual(violations.map((v) => [v.level, v.resource, v.message]), [
            ["mandatory", "urn:pulumi:unit::rocketchat-ha::kubernetes:apps/v1:Deployment::rocketchat", "1 deployment(s) of 9"],
            ["mandatory", undefined, "stack-wide"],
        ]);
    });

    it("names the policy when a validation throws", async () => {
        const broken: StackValidationPolicy = { name: "broken", description: "Test policy whose validation throws an error.", validateStack: () => { throw new Error("boom"); } };
        await assert.rejects(run({}, [broken]), /policy broken failed: boom/);
    });

    it("converts the mock runtime's declared resources with engine-style URNs", () => {
        const converted = toPolicyResources([{ type: "kubernetes:core/v1:Service", name: "rocketchat", inputs: { kind: "Service" }, secretPaths: [] }], "prod");
        assert.deepEqual(converted, [{ type: "kubernetes:core/v1:Service", name: "rocketchat", urn: "urn:pulumi:prod::rocketchat-ha::kubernetes:core/v1:Service::rocketchat", props: { kind: "Service" } }]);
    });
});
