// Issue 31 under the fast two-run model (tools/transitions/plannedSteps.ts):
// the program run for a deployed prod stack and again with one change, the
// engine's steps derived with the providers' replace rules and the engine's
// dependent replacement: the model reproduces what the real engine did before
// the fix, a 5-member set shrinks safely, and the data-stranding changes the
// sweep (test/everySettingChange.test.ts) does not make are refused.
// test/engine/lifecycle.engine.ts (4c-4i) checks such changes on the real engine.
import { strict as assert } from "assert";
import { recordFor } from "../components/platform";
import { DeploymentRecord } from "../components/upgrades/deploymentRecord";
import { runStack, StackRun } from "../tools/mockRuntime";
import { loadStackConfig } from "../tools/stackConfig";
import { PlannedStep, plannedSteps } from "../tools/transitions/plannedSteps";
import { KubernetesProviderOptions, providerOptionsOf } from "../tools/transitions/providerRules";
import { instance } from "./support/platformBuild";
import { settingsFor } from "./support/settings";

interface Transition {
    readonly label: string;
    /** The deployed stack's settings (overrides of prod). */
    readonly from: Record<string, unknown>;
    /** The settings of the next `pulumi up`. */
    readonly to: Record<string, unknown>;
}

/**
 * The changes the sweep (test/everySettingChange.test.ts) does not make from
 * a steady prod stack: leaving a 5-member set. The sweep covers one change of
 * every setting; this file holds the model to what the engine showed.
 */
const transitions: Transition[] = [
    { label: "mongodbMembers 5 -> 3 with mongodbAllowMemberRemoval", from: { mongodbMembers: 5 }, to: { mongodbMembers: 3, mongodbAllowMemberRemoval: true } },
];

/** The rotation issue 31 observed under the real engine. */
const appRotation: Transition = { label: "mongodbAppPasswordGeneration 0 -> 1", from: {}, to: { mongodbAppPasswordGeneration: 1 } };

interface Refused {
    readonly label: string;
    readonly from: Record<string, unknown>;
    readonly to: Record<string, unknown>;
    /** The setting the refusal names. */
    readonly setting: string;
}

/** Changes that would strand or delete data (issue 24, findings 1-4) beyond the sweep's: refused before anything is declared (components/upgrades/dataPlacement.ts). */
const refused: Refused[] = [
    { label: "mongodbStorageSize shrunk", from: {}, to: { mongodbStorageSize: "50Gi" }, setting: "mongodbStorageSize" },
    { label: "uploadsStorageSize shrunk", from: {}, to: { uploadsStorageSize: "100Gi" }, setting: "uploadsStorageSize" },
    { label: "backupStorageSize shrunk", from: {}, to: { backupStorageSize: "20Gi" }, setting: "backupStorageSize" },
    { label: "backups turned off while the claim goes with the stack", from: { backupDeleteClaimOnDestroy: true }, to: { backupEnabled: false }, setting: "backupEnabled" },
];

/** The previous run as the engine's state holds it: the same program, its own record as the previous one. */
async function deployed(from: Record<string, unknown>): Promise<{ run: StackRun; record: DeploymentRecord }> {
    const record = recordFor(instance, settingsFor("prod", from));
    return { run: await runStack("prod", from, { previousOutputs: { deployment: record } }), record };
}

async function stepsOf(t: Transition, options: KubernetesProviderOptions): Promise<PlannedStep[]> {
    const { run, record } = await deployed(t.from);
    const next = await runStack("prod", { ...t.from, ...t.to }, { previousOutputs: { deployment: record } });
    return plannedSteps(run, next, options);
}

const isWorkload = (s: PlannedStep) => /^kubernetes:apps\/v1:(StatefulSet|Deployment)::/.test(s.resource);
const isCredentialSecret = (s: PlannedStep) => /^kubernetes:core\/v1:Secret::/.test(s.resource);
const replacedOrDeleted = (s: PlannedStep) => ["replace", "delete-before-replace", "delete"].includes(s.op);
const describeSteps = (steps: PlannedStep[]) => steps.map((s) => `${s.op} ${s.resource}${s.reasons.length ? ` (${s.reasons.join("; ")})` : ""}`).join("\n    ");

describe("changing a running stack: no delete-before-replace cascade (issue 31, two-run model)", function () {
    this.timeout(60_000);
    // What every stack gets from Pulumi.yaml (components/kubernetesProviderConfig.ts).
    const options = providerOptionsOf(loadStackConfig("prod").values);

    for (const t of transitions) {
        it(`${t.label}: no StatefulSet or Deployment is replaced or deleted, no Secret is replaced`, async () => {
            const steps = await stepsOf(t, options);
            const unsafe = steps.filter((s) => (isWorkload(s) || isCredentialSecret(s)) && replacedOrDeleted(s));
            assert.deepEqual(unsafe, [], `unsafe steps:\n    ${describeSteps(unsafe)}`);
            assert.ok(steps.some((s) => s.op !== "same"), "the change reaches the stack");
        });
    }

    for (const r of refused) {
        it(`${r.label}: refused before any resource is declared, naming ${r.setting}`, async () => {
            const error = await stepsOf(r, options).then(() => undefined, (e) => e);
            assert.ok(error, "refused");
            assert.equal(error.name, "UpgradeRefused");
            assert.match(error.message, new RegExp(`rocketchat-ha:${r.setting} = `));
            // Only the read of the previous record precedes the refusal (index.ts).
            assert.deepEqual(error.declaredResources.map((d: { type: string }) => d.type).filter((t: string) => t !== "pulumi:pulumi:Stack"), ["pulumi:pulumi:StackReference"], "nothing was declared");
        });
    }

    it("growing mongodbStorageSize updates each member's claim patch; the StatefulSet is the same object (its claim template ignored)", async () => {
        const steps = await stepsOf({ label: "mongodbStorageSize grown", from: {}, to: { mongodbStorageSize: "200Gi" } }, options);
        const changed = steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.resource}`);
        assert.deepEqual(changed, [
            // The restore test's scratch space follows the database size (components/backup).
            "update kubernetes:batch/v1:CronJob::rocketchat-backup-verify",
            ...[0, 1, 2].map((i) => `update kubernetes:core/v1:PersistentVolumeClaimPatch::data-rocketchat-mongodb-${i}`),
        ], describeSteps(steps.filter((s) => s.op !== "same")));
    });

    it("why they are refused: with a record from before placements were recorded, nothing is compared, and the model shows a claim deleted first (the StatefulSet's template is ignored, so it stays)", async () => {
        const record = { ...recordFor(instance, settingsFor("prod")), data: undefined };
        const previous = await runStack("prod", {}, { previousOutputs: { deployment: record } });
        const next = await runStack("prod", { mongodbStorageClass: "slow-hdd", uploadsStorageClass: "cephfs" }, { previousOutputs: { deployment: record } });
        const taken = plannedSteps(previous, next, options).filter((s) => s.op === "delete-before-replace");
        assert.deepEqual(taken.map((s) => s.resource), ["kubernetes:core/v1:PersistentVolumeClaim::rocketchat-uploads"], describeSteps(taken));
        assert.match(taken[0].reasons.join(), /spec\.storageClassName/);
        assert.equal(plannedSteps(previous, next, options).find((s) => s.resource === "kubernetes:apps/v1:StatefulSet::rocketchat-mongodb")?.op, "same");
    });

    it("the model reproduces what the real engine did before the fix: without the provider options an app-password rotation deletes the StatefulSet and the Deployment", async () => {
        const steps = await stepsOf(appRotation, { enableSecretMutable: false, enableConfigMapMutable: false });
        const taken = steps.filter((s) => s.op === "delete-before-replace").map((s) => s.resource);
        // Issue 31's event log: delete-replaced StatefulSet rocketchat-mongodb, Secret rocketchat-mongodb-users, Deployment rocketchat.
        for (const resource of ["kubernetes:core/v1:Secret::rocketchat-mongodb-users", "kubernetes:apps/v1:StatefulSet::rocketchat-mongodb", "kubernetes:apps/v1:Deployment::rocketchat"]) {
            assert.ok(taken.includes(resource), `${resource} is delete-before-replaced:\n    ${describeSteps(steps.filter((s) => s.op !== "same"))}`);
        }
    });

    it("with the provider options a rotation updates the Secrets and rolls the readers through their pod templates", async () => {
        const steps = await stepsOf(appRotation, options);
        const op = (resource: string) => steps.find((s) => s.resource === resource)?.op;
        assert.equal(op("kubernetes:core/v1:Secret::rocketchat-mongodb-users"), "update");
        assert.equal(op("kubernetes:core/v1:Secret::rocketchat-mongodb-connection"), "update");
        assert.equal(op("kubernetes:apps/v1:Deployment::rocketchat"), "update", "Rocket.Chat rolls: the connection string is in its checksum");
    });
});
