// Issue 31 under the fast two-run model (tools/transitions/plannedSteps.ts):
// the program run for a deployed prod stack and again with one change, the
// engine's steps derived with the providers' replace rules and the engine's
// dependent replacement. No credential rotation, member change or database
// change may delete-before-replace (or replace at all) a StatefulSet or a
// Deployment, nor replace a credential Secret. test/engine/lifecycle.engine.ts
// (4c-4h) checks the same changes on the real engine.
import { strict as assert } from "assert";
import { recordFor } from "../components/platform";
import { DeploymentRecord } from "../components/upgrades/deploymentRecord";
import { runStack, StackRun } from "../tools/mockRuntime";
import { loadStackConfig } from "../tools/stackConfig";
import { PlannedStep, plannedSteps } from "../tools/transitions/plannedSteps";
import { KubernetesProviderOptions } from "../tools/transitions/providerRules";
import { instance } from "./support/platformBuild";
import { settingsFor } from "./support/settings";

/** The provider options every stack gets from Pulumi.yaml (components/kubernetesProviderConfig.ts). */
function stackProviderOptions(stack: string): KubernetesProviderOptions {
    const values = loadStackConfig(stack).values;
    return {
        enableSecretMutable: values["kubernetes:enableSecretMutable"] === "true",
        enableConfigMapMutable: values["kubernetes:enableConfigMapMutable"] === "true",
    };
}

interface Transition {
    readonly label: string;
    /** The deployed stack's settings (overrides of prod). */
    readonly from: Record<string, unknown>;
    /** The settings of the next `pulumi up`. */
    readonly to: Record<string, unknown>;
}

/** Every credential generation, the member count both ways, and the database name. */
const transitions: Transition[] = [
    ...["mongodbRootPasswordGeneration", "mongodbAppPasswordGeneration", "mongodbBackupPasswordGeneration", "mongodbRestorePasswordGeneration",
        "mongodbMonitoringPasswordGeneration", "mongodbKeyfileGeneration", "adminPasswordGeneration"]
        .map((setting) => ({ label: `${setting} 0 -> 1`, from: {}, to: { [setting]: 1 } })),
    { label: "mongodbMembers 3 -> 5", from: {}, to: { mongodbMembers: 5 } },
    { label: "mongodbMembers 5 -> 3 with mongodbAllowMemberRemoval", from: { mongodbMembers: 5 }, to: { mongodbMembers: 3, mongodbAllowMemberRemoval: true } },
    { label: "a channel's topic", from: {}, to: { channels: [{ name: "general", topic: "News", default: true }] } },
    // Claims grow in place (a PersistentVolumeClaim's requests are not replace-only).
    { label: "uploadsStorageSize 200Gi -> 300Gi", from: {}, to: { uploadsStorageSize: "300Gi" } },
    { label: "backupStorageSize 50Gi -> 80Gi", from: {}, to: { backupStorageSize: "80Gi" } },
    // With the named opt-in (README, "Switching the platform or the sign-in").
    { label: "keycloakRealm changed with ssoAllowSwitch", from: {}, to: { keycloakRealm: "contractors", ssoAllowSwitch: true } },
];

interface Refused {
    readonly label: string;
    readonly from: Record<string, unknown>;
    readonly to: Record<string, unknown>;
    /** The setting the refusal names. */
    readonly setting: string;
}

/** Changes that would strand or delete data (issue 24, findings 1-4): refused before anything is declared (components/upgrades/dataPlacement.ts). */
const refused: Refused[] = [
    { label: "mongodbStorageSize grown", from: {}, to: { mongodbStorageSize: "200Gi" }, setting: "mongodbStorageSize" },
    { label: "mongodbStorageSize shrunk", from: {}, to: { mongodbStorageSize: "50Gi" }, setting: "mongodbStorageSize" },
    { label: "mongodbStorageClass changed", from: {}, to: { mongodbStorageClass: "slow-hdd" }, setting: "mongodbStorageClass" },
    { label: "uploadsStorageClass changed", from: {}, to: { uploadsStorageClass: "cephfs" }, setting: "uploadsStorageClass" },
    { label: "uploadsAccessMode changed", from: { rocketchatReplicas: 1, autoscalingEnabled: false }, to: { uploadsAccessMode: "ReadWriteOnce" }, setting: "uploadsAccessMode" },
    { label: "uploadsStorageSize shrunk", from: {}, to: { uploadsStorageSize: "100Gi" }, setting: "uploadsStorageSize" },
    { label: "backupStorageClass changed", from: {}, to: { backupStorageClass: "cheap" }, setting: "backupStorageClass" },
    { label: "backupStorageSize shrunk", from: {}, to: { backupStorageSize: "20Gi" }, setting: "backupStorageSize" },
    { label: "uploadsStorage FileSystem -> GridFS", from: {}, to: { uploadsStorage: "GridFS" }, setting: "uploadsStorage" },
    { label: "mongodbDatabase renamed", from: {}, to: { mongodbDatabase: "chat" }, setting: "mongodbDatabase" },
    { label: "backups turned off while the claim goes with the stack", from: { backupDeleteClaimOnDestroy: true }, to: { backupEnabled: false }, setting: "backupEnabled" },
    // Issue 24, finding 7 (components/upgrades/platformSwitches.ts).
    { label: "platform kubernetes -> openshift", from: {}, to: { platform: "openshift", fixedUids: false }, setting: "platform" },
    { label: "keycloakRealm changed", from: {}, to: { keycloakRealm: "contractors" }, setting: "keycloakRealm" },
    { label: "ssoEnabled true -> false", from: {}, to: { ssoEnabled: false, keycloakGroups: [] }, setting: "ssoEnabled" },
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
    const options = stackProviderOptions("prod");

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

    it("why they are refused: with a record from before placements were recorded, nothing is compared, and the model shows the StatefulSet and a claim deleted first", async () => {
        const record = { ...recordFor(instance, settingsFor("prod")), data: undefined };
        const previous = await runStack("prod", {}, { previousOutputs: { deployment: record } });
        const next = await runStack("prod", { mongodbStorageSize: "200Gi", uploadsStorageClass: "cephfs" }, { previousOutputs: { deployment: record } });
        const taken = plannedSteps(previous, next, options).filter((s) => s.op === "delete-before-replace");
        assert.deepEqual(taken.map((s) => s.resource), ["kubernetes:apps/v1:StatefulSet::rocketchat-mongodb", "kubernetes:core/v1:PersistentVolumeClaim::rocketchat-uploads"],
            describeSteps(taken));
        assert.match(taken[0].reasons.join(), /spec\.volumeClaimTemplates/);
    });

    it("the model reproduces what the real engine did before the fix: without the provider options an app-password rotation deletes the StatefulSet and the Deployment", async () => {
        const steps = await stepsOf(transitions.find((t) => t.label.startsWith("mongodbAppPasswordGeneration"))!, { enableSecretMutable: false, enableConfigMapMutable: false });
        const taken = steps.filter((s) => s.op === "delete-before-replace").map((s) => s.resource);
        // Issue 31's event log: delete-replaced StatefulSet rocketchat-mongodb, Secret rocketchat-mongodb-users, Deployment rocketchat.
        for (const resource of ["kubernetes:core/v1:Secret::rocketchat-mongodb-users", "kubernetes:apps/v1:StatefulSet::rocketchat-mongodb", "kubernetes:apps/v1:Deployment::rocketchat"]) {
            assert.ok(taken.includes(resource), `${resource} is delete-before-replaced:\n    ${describeSteps(steps.filter((s) => s.op !== "same"))}`);
        }
    });

    it("with the provider options a rotation updates the Secrets and rolls the readers through their pod templates", async () => {
        const steps = await stepsOf(transitions.find((t) => t.label.startsWith("mongodbAppPasswordGeneration"))!, options);
        const op = (resource: string) => steps.find((s) => s.resource === resource)?.op;
        assert.equal(op("kubernetes:core/v1:Secret::rocketchat-mongodb-users"), "update");
        assert.equal(op("kubernetes:core/v1:Secret::rocketchat-mongodb-connection"), "update");
        assert.equal(op("kubernetes:apps/v1:Deployment::rocketchat"), "update", "Rocket.Chat rolls: the connection string is in its checksum");
    });
});
