// The program refuses colliding object names by setting before it declares
// anything (index.ts, and the mock runtime's pre-check the render runs): one
// case per kind of collision, under the mock runtime. The rule itself is
// tested on the built objects in test/objectIdentity.test.ts.
import { strict as assert } from "assert";
import { recordFor } from "../components/platform";
import { runStack, RunOptions } from "../tools/mockRuntime";
import { instance } from "./support/platformBuild";
import { settingsFor } from "./support/settings";

/** The run's error message; fails if the stack was declared, if the error is not a settings refusal, or if a Kubernetes object was declared first. */
async function refusal(stack: string, overrides: Record<string, unknown>, options: RunOptions = {}, readsPrevious = false): Promise<string> {
    const error = await runStack(stack, overrides, options).then(() => undefined, (e: any) => e);
    assert.ok(error, `${JSON.stringify(overrides)} was declared`);
    assert.equal(error.name, "ConfigError", error.stack);
    const declared = ((error.declaredResources ?? []) as { type: string }[]).map((r) => r.type);
    assert.deepEqual(declared.filter((t) => t.startsWith("kubernetes:") || t.startsWith("random:")), [], "no Kubernetes object, no random value");
    assert.equal(declared.includes("pulumi:pulumi:StackReference"), readsPrevious, readsPrevious ? "index.ts refused, after reading the previous record" : "the pre-check refused, before the program ran");
    return error.message;
}

describe("the program refuses colliding object names before declaring anything", () => {
    it("monitoringDashboardName: rocketchat-stack-identity (two ConfigMaps under one name)", async () => {
        assert.match(await refusal("prod", { monitoringDashboardName: `${instance}-stack-identity` }),
            /rocketchat-ha:monitoringDashboardName = "rocketchat-stack-identity": must be a name no other ConfigMap of the stack has/);
    });

    it("tlsSecretName: rocketchat-mongodb-keyfile (cert-manager would overwrite the keyfile)", async () => {
        assert.match(await refusal("prod", { tlsSecretName: `${instance}-mongodb-keyfile` }),
            /rocketchat-ha:tlsSecretName = "rocketchat-mongodb-keyfile": must be the name of a Secret the stack does not own/);
    });

    it("licenseSecretName and smtpSecretName naming the stack's Secrets (keys they lack: CreateContainerConfigError)", async () => {
        const message = await refusal("prod", { licenseSecretName: `${instance}-mongodb-users`, smtpSecretName: `${instance}-mongodb-connection` });
        assert.match(message, /rocketchat-ha:licenseSecretName = "rocketchat-mongodb-users": must be a Secret with every key the pods read from it \('license' missing\)/);
        assert.match(message, /rocketchat-ha:smtpSecretName = "rocketchat-mongodb-connection": must be a Secret with every key the pods read from it \('host', 'port', 'username', 'password', 'from' missing\)/);
    });

    it("backupExistingClaim naming a MongoDB member's data claim, or the uploads claim (a live volume in backup pods)", async () => {
        assert.match(await refusal("prod", { backupExistingClaim: `data-${instance}-mongodb-2` }),
            /rocketchat-ha:backupExistingClaim = "data-rocketchat-mongodb-2": must be the name of a PersistentVolumeClaim the stack does not own/);
        assert.match(await refusal("dev", { backupExistingClaim: `${instance}-uploads` }),
            /rocketchat-ha:backupExistingClaim = "rocketchat-uploads": must be the name of a PersistentVolumeClaim the stack does not own/);
    });

    it("index.ts checks an upgrade run's objects too: a dashboard named like the upgrade guard's ConfigMap", async () => {
        // No pre-check with a previous record: index.ts refuses after reading it and after the upgrade guard, before the platform.
        const previous = recordFor(instance, settingsFor("prod"));
        assert.match(await refusal("prod", { mongodbMembers: 5, monitoringDashboardName: `${instance}-upgrade-guard` }, { previousOutputs: { deployment: previous } }, true),
            /rocketchat-ha:monitoringDashboardName = "rocketchat-upgrade-guard": must be a name no other ConfigMap/);
    });
});
