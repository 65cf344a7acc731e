// The offline runner (offline.ts): config files resolved like the CLI
// resolves them, and the argument objects policies receive.
import { strict as assert } from "assert";
import { PackPolicy, ResourceValidationPolicy, StackValidationPolicy } from "./lib/policyTypes";
import { evaluateWithConfig, loadPolicyConfig, resolvePolicyConfig, toPolicyResources } from "./offline";
import { compliantObjects, resources } from "./testing/fixtures";

describe("policy pack: configuration", () => {
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
