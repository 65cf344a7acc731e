/**
 * `ingressAwaitLoadBalancer` under the real engine (issue 19): the dev-shaped
 * stack in a namespace whose Ingress no controller ever gives a status (the
 * cluster services skip it), as on a cluster whose ingress controller does not
 * publish one.
 *
 * 1. false: `pulumi up` completes although the Ingress never gets a status.
 *    Had the setting done nothing, the provider would wait its 10 minutes for
 *    the status; the test gives up after `upWithoutStatusMs`, so it cannot pass.
 * 2. true: the update that drops the annotation waits for the status. The test
 *    sees the update reach the cluster, lets the provider wait past its
 *    endpoints grace, checks `pulumi up` is still running, then publishes the
 *    status as a controller would; the engine's event log shows the Ingress's
 *    outputs only after that. Had the setting done nothing (no await), `up`
 *    would have finished before the status was published.
 */
import { strict as assert } from "assert";
import { createNodes, getJson, kubectlRaw, sleep, teardownScenario, waitFor } from "../e2e/lib/kube";
import { createStorageClasses, publishAddress, startClusterServices } from "./lib/clusterServices";
import { CliResult, EngineProject } from "./lib/pulumiCli";
import { devConfig, stackYaml, storageClassesOf } from "./lib/stacks";

const stack = "dev";
const namespace = "rocketchat-ingress-await";
const config = { ...devConfig(), "rocketchat-ha:namespace": namespace, "rocketchat-ha:ingressAwaitLoadBalancer": false };
/** Well below the provider's 10-minute Ingress timeout (pkg/await/ingress.go DefaultIngressTimeoutMins), well above a dev `up` here. */
const upWithoutStatusMs = 6 * 60_000;
/** A dev `up` with one change reaches the cluster in well under a minute here. */
const updateReachesClusterMs = 3 * 60_000;
/** The Ingress awaiter treats endpoints as settled 10 s after their last event (pkg/await/ingress.go processEndpointEvent). */
const pastEndpointsGraceMs = 20_000;

const ingressOf = () => getJson(["ingress", "-n", namespace]).items as any[];
const addressesOf = (ingress: any) => ingress.status?.loadBalancer?.ingress ?? [];

describe("ingressAwaitLoadBalancer under the real engine, with an ingress controller that publishes no status", function () {
    const project = new EngineProject();
    let stopServices: () => Promise<void>;
    let nodes: string[] = [];

    before(async function () {
        nodes = await createNodes("ingress-await", 2);
        createStorageClasses(await storageClassesOf(stack, config));
        stopServices = startClusterServices(2000, [namespace]);
        project.writeStackFile(stack, stackYaml(config));
        await project.ok(["stack", "init", stack, "--secrets-provider", "passphrase"]);
    });

    after(async function () {
        await stopServices?.();
        await teardownScenario(namespace, nodes);
        if (!process.env.ENGINE_KEEP_PROJECT) {
            project.remove();
        }
    });

    it("1. false: `pulumi up` completes and the Ingress carries pulumi.com/skipAwait, with no load-balancer status", async function () {
        const started = Date.now();
        const res = await project.run(["up", "--stack", stack, "--yes", "--skip-preview"], {}, upWithoutStatusMs);
        assert.equal(res.code, 0, `up completed within ${upWithoutStatusMs / 60_000} minutes (exit ${res.code}, after ${Math.round((Date.now() - started) / 1000)} s):\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-2000)}`);
        const [ingress] = ingressOf();
        assert.ok(ingress, "the Ingress exists");
        assert.equal(ingress.metadata.annotations["pulumi.com/skipAwait"], "true");
        assert.deepEqual(addressesOf(ingress), [], "nobody published a status, and up did not need one");
    });

    it("2. true: the update waits until the controller publishes the status, and completes after it does", async function () {
        await project.ok(["config", "set", "--stack", stack, "rocketchat-ha:ingressAwaitLoadBalancer", "true"]);
        const events = project.eventLog("ingress-await-on");
        let finished: CliResult | undefined;
        const up = project.run(["up", "--stack", stack, "--yes", "--skip-preview", "--event-log", events], {}, upWithoutStatusMs)
            .then((res) => (finished = res));

        // The update reached the cluster: the annotation is gone, so the provider now awaits the Ingress.
        const skipAwaitGone = () => ingressOf()[0]?.metadata.annotations?.["pulumi.com/skipAwait"] === undefined;
        await waitFor("the Ingress updated without pulumi.com/skipAwait, or up ending", () => skipAwaitGone() || finished, updateReachesClusterMs, 1000);
        assert.ok(skipAwaitGone(), `the update removed pulumi.com/skipAwait before up ended:\n${finished?.stdout.slice(-3000)}\n${finished?.stderr.slice(-2000)}`);
        await sleep(pastEndpointsGraceMs);
        assert.equal(finished, undefined, `pulumi up is still waiting for the Ingress status ${pastEndpointsGraceMs / 1000} s after the update:\n${finished?.stdout.slice(-3000)}`);
        assert.deepEqual(addressesOf(ingressOf()[0]), [], "still no status");

        const publishedAt = Math.floor(Date.now() / 1000);
        publishAddress(ingressOf()[0]);
        const res = await up;
        assert.equal(res.code, 0, `up completed once the status was published:\n${res.stdout.slice(-4000)}\n${res.stderr.slice(-2000)}`);

        const log = EngineProject.readEvents(events);
        const isIngress = (e: any, kind: string) => /[:$]kubernetes:networking\.k8s\.io\/v1:Ingress::/.test(e[kind]?.metadata?.urn ?? "");
        const step = log.find((e) => isIngress(e, "resourcePreEvent"));
        assert.equal(step?.resourcePreEvent.metadata.op, "update", "the Ingress was updated in place");
        const outputs = log.find((e) => isIngress(e, "resOutputsEvent"));
        assert.ok(outputs, "the engine logged the Ingress's outputs");
        // Event timestamps are whole seconds.
        assert.ok(outputs.timestamp >= publishedAt, `the Ingress step ended (${outputs.timestamp}) only after the status was published (${publishedAt})`);
        assert.equal(kubectlRaw(["-n", namespace, "get", "ingress", ingressOf()[0].metadata.name]).code, 0);
    });
});
