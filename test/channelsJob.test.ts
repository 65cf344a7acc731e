/**
 * The channel reconcile Job per stack: restricted pods, admin credentials only
 * through secretKeyRef, a pinned image, a name that follows the list, a way
 * through Rocket.Chat's NetworkPolicy, and ordering after Rocket.Chat.
 *
 * Built from each stack's settings (settingsFor -> channelsReconcilerArgsFromSettings
 * -> channelsReconcilerObjects), without the program. Two checks need more:
 * the join with Rocket.Chat's NetworkPolicy (another component's object, read
 * from the program run shared by the suite) and the Job's resource options
 * (Pulumi's business, under the SDK's mocks).
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { rocketchatApiClientLabels } from "../components/channels/apiAccess";
import {
    channelsReconcilerArgsFromSettings, channelsReconcilerObjects, ChannelsReconcilerObjects, ChannelsPeers, nodeImage, reconcilerUid,
} from "../components/channels/channelsObjects";
import { projectDefaults } from "../tools/stackConfig";
import { findObject, objectsOfKind } from "../tools/resourceList";
import { settingsFor } from "./support/settings";
import { builtStack } from "./support/platformBuild";

/** Stands for the admin Secret's name, which the program knows only as an Output. */
const adminSecret = "<admin-secret-name>";
/** What the program passes: Rocket.Chat's Service is named after the instance, on httpPort 3000 (components/rocketchat/environment.ts). */
const peers: ChannelsPeers<never> = { rocketchatServiceName: "rocketchat", rocketchatHttpPort: 3000, adminSecretName: adminSecret };

function channelObjects(stack: string, overrides: Record<string, unknown> = {}): ChannelsReconcilerObjects<never> | undefined {
    const args = channelsReconcilerArgsFromSettings("rocketchat", settingsFor(stack, overrides), peers);
    return args && channelsReconcilerObjects("rocketchat", args);
}

function built(stack: string, overrides: Record<string, unknown> = {}): ChannelsReconcilerObjects<never> {
    const objects = channelObjects(stack, overrides);
    assert.ok(objects, `${stack}: a channel Job`);
    return objects;
}

describe("channel reconcile Job", () => {
    for (const stack of ["test", "prod"]) {
        describe(stack, () => {
            it("runs restricted, as the node user only where UIDs are fixed", () => {
                const pod = built(stack).job.spec!.template.spec!;
                const [container] = pod.containers;
                assert.equal(pod.securityContext!.runAsNonRoot, true);
                assert.equal(pod.securityContext!.seccompProfile!.type, "RuntimeDefault");
                assert.equal(pod.securityContext!.runAsUser, stack === "prod" ? 65532 : undefined, "OpenShift assigns the UID");
                assert.equal(container.securityContext!.allowPrivilegeEscalation, false);
                assert.deepEqual(container.securityContext!.capabilities!.drop, ["ALL"]);
                assert.equal(container.securityContext!.readOnlyRootFilesystem, true);
                assert.equal(pod.automountServiceAccountToken, false);
                assert.equal(pod.restartPolicy, "Never");
                assert.ok(container.resources!.limits!.memory && container.resources!.requests!.cpu);
            });

            it("reads the admin credentials only through secretKeyRef, never in args, env values or the ConfigMap", () => {
                const { job, configMap } = built(stack);
                const [container] = job.spec!.template.spec!.containers;
                const env = Object.fromEntries(container.env!.map((e) => [e.name, e]));
                assert.deepEqual(env.ADMIN_USERNAME.valueFrom!.secretKeyRef, { name: adminSecret, key: "username" });
                assert.deepEqual(env.ADMIN_PASSWORD.valueFrom!.secretKeyRef, { name: adminSecret, key: "password" });
                // Only a rotation run's Secret has the previous password; elsewhere the variable stays unset instead of failing the pod.
                assert.deepEqual(env.ADMIN_PASSWORD_PREVIOUS.valueFrom!.secretKeyRef, { name: adminSecret, key: "previous-password", optional: true });
                // The builder is never given a credential (its args have no field for one): every value that is
                // not a literal comes from the admin Secret, and the ConfigMap holds the scripts and the list only.
                assert.deepEqual(container.env!.filter((e) => e.value === undefined).map((e) => e.valueFrom!.secretKeyRef!.name), [adminSecret, adminSecret, adminSecret]);
                assert.deepEqual(Object.keys(configMap.data!).sort(), ["adminLogin.js", "channels.json", "plan.js", "reconcile.js", "restApi.js"]);
                assert.equal(container.args, undefined);
                assert.deepEqual(container.command, ["node", "/scripts/reconcile.js"]);
            });

            it("uses the official node image at an exact version and ships the scripts and the declared list", () => {
                const { job, configMap } = built(stack);
                const [container] = job.spec!.template.spec!.containers;
                assert.match(container.image!, /^node:\d+\.\d+\.\d+-alpine\d+\.\d+$/);
                const data = configMap.data!;
                for (const file of ["plan.js", "adminLogin.js", "restApi.js", "reconcile.js"]) {
                    assert.equal(data[file], readFileSync(path.join(__dirname, "..", "components", "channels", "scripts", file), "utf8"));
                }
                assert.deepEqual(JSON.parse(data["channels.json"]), settingsFor(stack).channels);
                assert.deepEqual(job.spec!.template.spec!.volumes, [{ name: "scripts", configMap: { name: configMap.metadata!.name } }]);
                const env = Object.fromEntries(container.env!.map((e) => [e.name, e.value]));
                assert.equal(env.CHANNELS_PRUNE, String(settingsFor(stack).channelsPrune));
                assert.equal(env.ROCKETCHAT_URL, `http://rocketchat.${settingsFor(stack).namespace}.svc.cluster.local:3000`);
            });

            it("carries the label Rocket.Chat's NetworkPolicy admits on port 3000", () => {
                const podLabels = built(stack).job.spec!.template.metadata!.labels!;
                for (const [key, value] of Object.entries(rocketchatApiClientLabels("rocketchat"))) {
                    assert.equal(podLabels[key], value);
                }
            });
        });
    }

    it("dev declares no channels and gets no Job", () => {
        assert.equal(channelObjects("dev"), undefined);
    });

    it("the Job's name follows the list: same list same name, changed list new name", () => {
        const base = built("prod").job.metadata!.name;
        const same = built("prod").job.metadata!.name;
        assert.equal(same, base);
        const changed = built("prod", { channels: [...settingsFor("prod").channels, { name: "new-team" }] }).job.metadata!.name;
        assert.notEqual(changed, base);
        const pruning = built("prod", { channelsPrune: true }).job.metadata!.name;
        assert.notEqual(pruning, base);
    });

    it("the Job's name and declared list do not depend on the key order config arrives in", () => {
        // The Pulumi CLI hands object-valued config to the program as JSON with
        // keys sorted (Go's encoding/json), YAML files keep the author's order:
        // found by the engine tests (test/engine), where the real CLI's Job name
        // differed from the offline render's.
        const reversedKeys = settingsFor("prod").channels.map((c: object) => Object.fromEntries(Object.entries(c).reverse()));
        const base = built("prod");
        const reordered = built("prod", { channels: reversedKeys });
        assert.equal(reordered.job.metadata!.name, base.job.metadata!.name);
        assert.deepEqual(reordered.configMap.data, base.configMap.data);
    });

    it("a raised administrator password generation runs the Job again; generation 0 keeps the name the Job had before generations", () => {
        const at = (adminPasswordGeneration?: number) => {
            const args = channelsReconcilerArgsFromSettings("rocketchat", settingsFor("prod"), { ...peers, adminPasswordGeneration });
            return channelsReconcilerObjects("rocketchat", args!).job.metadata!.name;
        };
        assert.equal(at(0), at(undefined), "generation 0 adds nothing to the digest");
        assert.equal(at(0), built("prod").job.metadata!.name);
        assert.notEqual(at(1), at(0), "a rotation is a new Job");
        assert.notEqual(at(2), at(1));
        assert.equal(at(1), at(1));
    });

    it("a rotated administrator password gets a Job even without channels (it moves Rocket.Chat to the new password), but not during a restore", () => {
        const forDev = (adminPasswordGeneration: number, overrides: Record<string, unknown> = {}) =>
            channelsReconcilerArgsFromSettings("rocketchat", settingsFor("dev", overrides), { ...peers, adminPasswordGeneration });
        assert.equal(forDev(0), undefined);
        const rotating = forDev(1);
        assert.ok(rotating, "dev rotating its admin password runs the Job");
        assert.deepEqual(rotating.channels, []);
        assert.equal(rotating.prune, false, "with nothing declared and no prune, the run only logs in");
        assert.equal(forDev(1, { restoreArchive: "rocketchat-20261128T021500Z.archive.gz" }), undefined);
    });

    it("no Job while a restore keeps Rocket.Chat at zero", () => {
        assert.equal(channelObjects("prod", { restoreArchive: "rocketchat-20261128T021500Z.archive.gz" }), undefined);
    });

    it("left out, prune, fixedUid and image take the settings' defaults (Pulumi.yaml) and the pinned node image", () => {
        const defaults = projectDefaults();
        const given = { namespace: "ns", channels: [{ name: "general" }], rocketchatUrl: "http://rocketchat.ns.svc.cluster.local:3000", adminSecretName: adminSecret, apiClientLabels: {} };
        const explicit = channelsReconcilerObjects("rocketchat", {
            ...given,
            prune: JSON.parse(defaults["rocketchat-ha:channelsPrune"]),
            fixedUid: JSON.parse(defaults["rocketchat-ha:fixedUids"]),
            image: nodeImage,
        });
        assert.deepEqual(channelsReconcilerObjects("rocketchat", given), explicit);
        assert.equal(explicit.job.spec!.template.spec!.securityContext!.runAsUser, reconcilerUid);
    });

    it("in the whole stack, Rocket.Chat's NetworkPolicy admits the reconciler's pods on port 3000", () => {
        // Two components' objects meet here (test/program.test.ts proves the program registers this stack).
        const run = builtStack("prod");
        const [job] = objectsOfKind(run, "Job").filter((j) => j.metadata.name.startsWith("rocketchat-channels-"));
        const podLabels = job.spec.template.metadata.labels;
        const policy = findObject(run, "NetworkPolicy", "rocketchat");
        const httpRules = policy.spec.ingress.filter((rule: any) => rule.ports?.some((p: any) => p.port === 3000));
        const admitted = httpRules.flatMap((rule: any) => rule.from).filter((peer: any) => peer.podSelector && !peer.namespaceSelector);
        assert.equal(admitted.length, 1, "one peer for the reconciler");
        for (const [key, value] of Object.entries<string>(admitted[0].podSelector.matchLabels)) {
            assert.equal(podLabels[key], value);
        }
        // The whole stack's Job is what the builder returns for the stack's settings.
        const { job: expected } = built("prod");
        assert.equal(job.metadata.name, expected.metadata!.name);
    });
});
