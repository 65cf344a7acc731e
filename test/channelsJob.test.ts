/**
 * The channel reconcile Job per stack: restricted pods, admin credentials only
 * through secretKeyRef, a pinned image, a name that follows the list, a way
 * through Rocket.Chat's NetworkPolicy, and ordering after Rocket.Chat.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "fs";
import * as path from "path";
import { findObject, objectsOfKind, runStack, StackRun } from "../tools/mockRuntime";
import { settingsFor } from "./support/settings";
import { stackRun } from "./support/stacks";
import type { ChannelsReconcilerArgs } from "../components/channels/channelsReconciler";

const channelJobs = (run: StackRun) => objectsOfKind(run, "Job").filter((j) => j.metadata.name.startsWith("rocketchat-channels-"));

function onlyJob(run: StackRun): any {
    const jobs = channelJobs(run);
    assert.equal(jobs.length, 1, `${run.stack}: one channel Job`);
    return jobs[0];
}

describe("channel reconcile Job", () => {
    for (const stack of ["test", "prod"]) {
        describe(stack, () => {
            it("runs restricted, as the node user only where UIDs are fixed", async () => {
                const run = await stackRun(stack);
                const pod = onlyJob(run).spec.template.spec;
                const [container] = pod.containers;
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                assert.equal(pod.securityContext.runAsUser, stack === "prod" ? 65532 : undefined, "OpenShift assigns the UID");
                assert.equal(container.securityContext.allowPrivilegeEscalation, false);
                assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
                assert.equal(container.securityContext.readOnlyRootFilesystem, true);
                assert.equal(pod.automountServiceAccountToken, false);
                assert.equal(pod.restartPolicy, "Never");
                assert.ok(container.resources.limits.memory && container.resources.requests.cpu);
            });

            it("reads the admin credentials only through secretKeyRef, never in args, env values or the ConfigMap", async () => {
                const run = await stackRun(stack);
                const [container] = onlyJob(run).spec.template.spec.containers;
                const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
                assert.deepEqual(env.ADMIN_USERNAME.valueFrom.secretKeyRef, { name: "rocketchat-admin", key: "username" });
                assert.deepEqual(env.ADMIN_PASSWORD.valueFrom.secretKeyRef, { name: "rocketchat-admin", key: "password" });
                const plain = JSON.stringify([container.command, container.args ?? [], container.env.filter((e: any) => e.value !== undefined)]);
                const configMap = JSON.stringify(findObject(run, "ConfigMap", "rocketchat-channels").data);
                for (const secret of run.secretValues) {
                    assert.ok(!plain.includes(secret) && !configMap.includes(secret), "no generated secret outside a Secret");
                }
                assert.deepEqual(container.command, ["node", "/scripts/reconcile.js"]);
            });

            it("uses the official node image at an exact version and ships the scripts and the declared list", async () => {
                const run = await stackRun(stack);
                const [container] = onlyJob(run).spec.template.spec.containers;
                assert.match(container.image, /^node:\d+\.\d+\.\d+-alpine\d+\.\d+$/);
                const data = findObject(run, "ConfigMap", "rocketchat-channels").data;
                for (const file of ["plan.js", "restApi.js", "reconcile.js"]) {
                    assert.equal(data[file], readFileSync(path.join(__dirname, "..", "components", "channels", "scripts", file), "utf8"));
                }
                assert.deepEqual(JSON.parse(data["channels.json"]), settingsFor(stack).channels);
                const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
                assert.equal(env.CHANNELS_PRUNE, String(settingsFor(stack).channelsPrune));
                assert.equal(env.ROCKETCHAT_URL, `http://rocketchat.${settingsFor(stack).namespace}.svc.cluster.local:3000`);
            });

            it("carries the label Rocket.Chat's NetworkPolicy admits on port 3000", async () => {
                const run = await stackRun(stack);
                const podLabels = onlyJob(run).spec.template.metadata.labels;
                const policy = findObject(run, "NetworkPolicy", "rocketchat");
                const httpRules = policy.spec.ingress.filter((rule: any) => rule.ports?.some((p: any) => p.port === 3000));
                const admitted = httpRules.flatMap((rule: any) => rule.from).filter((peer: any) => peer.podSelector && !peer.namespaceSelector);
                assert.equal(admitted.length, 1, "one peer for the reconciler");
                for (const [key, value] of Object.entries<string>(admitted[0].podSelector.matchLabels)) {
                    assert.equal(podLabels[key], value);
                }
            });
        });
    }

    it("dev declares no channels and gets no Job", async () => {
        assert.deepEqual(channelJobs(await stackRun("dev")), []);
    });

    it("the Job's name follows the list: same list same name, changed list new name", async () => {
        const base = onlyJob(await stackRun("prod")).metadata.name;
        const same = onlyJob(await runStack("prod")).metadata.name;
        assert.equal(same, base);
        const changed = onlyJob(await runStack("prod", { channels: [...settingsFor("prod").channels, { name: "new-team" }] })).metadata.name;
        assert.notEqual(changed, base);
        const pruning = onlyJob(await runStack("prod", { channelsPrune: true })).metadata.name;
        assert.notEqual(pruning, base);
    });

    it("the Job's name and declared list do not depend on the key order config arrives in", async () => {
        // The Pulumi CLI hands object-valued config to the program as JSON with
        // keys sorted (Go's encoding/json), YAML files keep the author's order:
        // found by the engine tests (test/engine), where the real CLI's Job name
        // differed from the offline render's.
        const reversedKeys = settingsFor("prod").channels.map((c: object) => Object.fromEntries(Object.entries(c).reverse()));
        const base = await runStack("prod");
        const reordered = await runStack("prod", { channels: reversedKeys });
        assert.equal(onlyJob(reordered).metadata.name, onlyJob(base).metadata.name);
        assert.deepEqual(findObject(reordered, "ConfigMap", "rocketchat-channels").data, findObject(base, "ConfigMap", "rocketchat-channels").data);
    });

    it("no Job while a restore keeps Rocket.Chat at zero", async () => {
        assert.deepEqual(channelJobs(await runStack("prod", { restoreArchive: "rocketchat-20261128T021500Z.archive.gz" })), []);
    });

    it("the Job starts after what it is told to wait for (Rocket.Chat) and is awaited by pulumi up", async () => {
        const seen: { type: string; opts: pulumi.CustomResourceOptions }[] = [];
        await pulumi.runtime.setMocks({
            newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
            call: (a) => a.inputs,
        }, "rocketchat-ha", "unit", false);
        const { ChannelsReconciler } = require("../components/channels/channelsReconciler") as typeof import("../components/channels/channelsReconciler");
        const rocketchat = new pulumi.ComponentResource("test:index:RocketChat", "rocketchat-ready");
        const args: ChannelsReconcilerArgs = {
            namespace: "ns",
            channels: [{ name: "general" }],
            rocketchatUrl: "http://rocketchat.ns.svc.cluster.local:3000",
            adminSecretName: "rocketchat-admin",
            apiClientLabels: { client: "yes" },
            fixedUid: true,
            after: [rocketchat],
        };
        await pulumi.runtime.runInPulumiStack(async () => {
            new ChannelsReconciler("rocketchat", args, { transformations: [(a) => (seen.push({ type: a.type, opts: a.opts }), undefined)] });
        });
        const job = seen.find((d) => d.type === "kubernetes:batch/v1:Job")!;
        assert.ok((job.opts.dependsOn as pulumi.Resource[]).includes(rocketchat));
        assert.ok(job.opts.customTimeouts?.create, "pulumi up waits for the reconcile");
    });
});
