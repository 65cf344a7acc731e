// The whole pack over what the program declares for every stack, at each
// stack's configured levels. A mandatory violation here fails `npm test`
// (and so .ci/run), exactly as it would fail `pulumi preview --policy-pack`.
// Then the "done when" cases: breaking the HA design in prod is a
// mandatory violation that says how to fix it.
import { strict as assert } from "assert";
import { knownStacks } from "../tools/stackConfig";
import { builtStack, instance } from "./support/platformBuild";
import { credentialIds, generationSettings } from "../components/credentialPlan";
import { recordFor } from "../components/platform";
import { settingsFor } from "./support/settings";
import { evaluatePolicies, mandatoryViolations, PolicyResource, PolicyViolation, toPolicyResources } from "../policy/offline";

const programResources = new Map<string, PolicyResource[]>();

/** The program's resources for a stack, built by the builders (test/program.test.ts proves the program registers exactly these), copied so tests may edit them. */
async function declared(stack: string, overrides: Record<string, unknown> = {}): Promise<PolicyResource[]> {
    const key = `${stack} ${JSON.stringify(overrides)}`;
    if (!programResources.has(key)) {
        programResources.set(key, toPolicyResources(builtStack(stack, overrides).resources as any, stack));
    }
    return structuredClone(programResources.get(key)!);
}

function find(resources: PolicyResource[], kind: string, name: string): Record<string, any> {
    const match = resources.find((resource) => resource.props?.kind === kind && resource.props?.metadata?.name === name);
    assert.ok(match, `the program declares no ${kind} ${name}`);
    return match!.props;
}

function listViolations(violations: PolicyViolation[]): string {
    return violations.map((v) => `[${v.level}] ${v.policy}: ${v.message}`).join("\n");
}

/** The mandatory violations of one policy; asserts each says how to fix it. */
function mandatoryOf(violations: PolicyViolation[], policy: string): string[] {
    const found = mandatoryViolations(violations).filter((violation) => violation.policy === policy);
    found.forEach((violation) => assert.match(violation.message, / Fix: \S/));
    return found.map((violation) => violation.message);
}

describe("policy pack over the program's stacks", () => {
    for (const stack of knownStacks()) {
        it(`${stack}: no mandatory violation at its configured levels`, async () => {
            const violations = await evaluatePolicies(await declared(stack), stack);
            assert.deepEqual(mandatoryViolations(violations), [], `mandatory policy violations in ${stack}:\n${listViolations(mandatoryViolations(violations))}`);
        });
    }

    it("prod: no violation at all", async () => {
        const violations = await evaluatePolicies(await declared("prod"), "prod");
        assert.deepEqual(violations, [], listViolations(violations));
    });

    for (const stack of ["test", "prod"]) {
        it(`${stack} restoring an archive (backups paused, Rocket.Chat at zero): no mandatory violation, so the documented restore gets through preview (issue 25)`, async () => {
            const violations = await evaluatePolicies(await declared(stack, { restoreArchive: "rocketchat-20261128T021500Z.archive.gz" }), stack);
            assert.deepEqual(mandatoryViolations(violations), [], listViolations(mandatoryViolations(violations)));
        });
    }

    it("prod in a run rotating every credential (both keyfile keys, previous passwords, new users): no violation at all", async () => {
        const rotateAll = Object.fromEntries(credentialIds.map((id) => [generationSettings[id], 1]));
        const resources = toPolicyResources(builtStack("prod", rotateAll, undefined, recordFor(instance, settingsFor("prod"))).resources as any, "prod");
        const violations = await evaluatePolicies(resources, "prod");
        assert.deepEqual(violations, [], listViolations(violations));
    });

    it("dev: the single-node shape is reported, but only as advice", async () => {
        const violations = await evaluatePolicies(await declared("dev"), "dev");
        const policies = new Set(violations.map((violation) => violation.policy));
        assert.ok(policies.has("ha-pod-anti-affinity") && policies.has("mongodb-replica-set-members"), listViolations(violations));
        assert.ok(violations.every((violation) => violation.level === "advisory"));
    });
});

describe("policy pack: breaking the HA design in prod is mandatory and explained", () => {
    it("a MongoDB StatefulSet without zone spreading while prod's policy config says 3 zones (rocketchat-ha:topologyZones=0)", async () => {
        const violations = await evaluatePolicies(await declared("prod", { topologyZones: 0 }), "prod");
        const messages = mandatoryOf(violations, "mongodb-zone-spread");
        assert.equal(messages.length, 1, listViolations(violations));
        assert.match(messages[0], /StatefulSet rocketchat-prod\/rocketchat-mongodb has no topologySpreadConstraint on topology\.kubernetes\.io\/zone/);
    });

    it("preferred anti-affinity (rocketchat-ha:podAntiAffinity=preferred) on both workloads", async () => {
        const violations = await evaluatePolicies(await declared("prod", { podAntiAffinity: "preferred" }), "prod");
        const messages = mandatoryOf(violations, "ha-pod-anti-affinity");
        assert.equal(messages.length, 2, listViolations(violations));
        assert.match(messages.join("\n"), /Deployment rocketchat-prod\/rocketchat has only preferred pod anti-affinity/);
        assert.match(messages.join("\n"), /StatefulSet rocketchat-prod\/rocketchat-mongodb has only preferred pod anti-affinity/);
        assert.match(messages[0], /podAntiAffinity=required/);
    });

    for (const [kind, name] of [["Deployment", "rocketchat"], ["StatefulSet", "rocketchat-mongodb"]]) {
        it(`anti-affinity removed from the ${kind} ${name}`, async () => {
            const resources = await declared("prod");
            delete find(resources, kind, name).spec.template.spec.affinity;
            const messages = mandatoryOf(await evaluatePolicies(resources, "prod"), "ha-pod-anti-affinity");
            assert.equal(messages.length, 1);
            assert.match(messages[0], new RegExp(`${kind} rocketchat-prod/${name} has no required pod anti-affinity.* Fix: add spec\\.template\\.spec\\.affinity\\.podAntiAffinity\\.requiredDuringSchedulingIgnoredDuringExecution`));
        });
    }

    it("the uploads claim switched to ReadWriteOnce", async () => {
        const resources = await declared("prod");
        find(resources, "PersistentVolumeClaim", "rocketchat-uploads").spec.accessModes = ["ReadWriteOnce"];
        const messages = mandatoryOf(await evaluatePolicies(resources, "prod"), "uploads-read-write-many");
        assert.equal(messages.length, 1);
        assert.match(messages[0], /mount claim rocketchat-uploads at \/app\/uploads, but its accessModes are \[ReadWriteOnce\].* Fix: give the uploads claim accessModes \[ReadWriteMany\]/);
    });

    it("the Rocket.Chat image without a tag", async () => {
        const resources = await declared("prod");
        find(resources, "Deployment", "rocketchat").spec.template.spec.containers[0].image = "registry.rocket.chat/rocketchat/rocket.chat";
        const messages = mandatoryOf(await evaluatePolicies(resources, "prod"), "pinned-images");
        assert.equal(messages.length, 1);
        assert.match(messages[0], /uses image 'registry\.rocket\.chat\/rocketchat\/rocket\.chat' without a tag.* Fix: use an exact version tag/);
    });

    it("an autoscaler maximum above prod's five nodes", async () => {
        const resources = await declared("prod");
        find(resources, "HorizontalPodAutoscaler", "rocketchat").spec.maxReplicas = 10;
        const messages = mandatoryOf(await evaluatePolicies(resources, "prod"), "replicas-within-schedulable-nodes");
        assert.equal(messages.length, 1);
        assert.match(messages[0], /may scale Deployment rocketchat-prod\/rocketchat to 10 pods, but required one-per-node anti-affinity fits only 5/);
    });
});
