/**
 * Rollouts on the real Deployment and StatefulSet controllers and scheduler:
 * an image change must complete at every scale the settings allow, within
 * what the PodDisruptionBudgets promise. kwok plays the kubelets (bound pods
 * become Running/Ready at once), so "Ready" here means scheduled and started.
 */
import * as assert from "assert";
import {
    applyObjects,
    createNodes,
    getJson,
    intoNamespace,
    isReady,
    kubectl,
    podsOf,
    sleep,
    unschedulableMessage,
    teardownScenario,
    waitFor,
} from "./lib/kube";
import { PodEvent, podReady, statesOf, watchPods } from "./lib/podWatch";
import { kubernetesObjects as kubernetesObjectsOf, runStack as stackRunWith } from "../../tools/mockRuntime";
import { mongoStatefulSet, rocketchatDeployment, selectorOf, stackObjects, stackObjectsWith } from "./lib/stacks";

interface Observation {
    /** Whether `done` held before the time ran out. */
    completed: boolean;
    /** Fewest Ready, not terminating pods in any state the watch reported after the change. */
    fewestReady: number;
    /** Most pods (not terminating) at once: surge shows as more than the replicas. */
    mostPods: number;
    /** Every reported change, in order (for scenario-specific checks). */
    events: PodEvent[];
    /** The number of events that described the pods as they were before the change. */
    initial: number;
}

/** Watches the pods of `selector` (every state change, not samples), makes the change, and waits for `done`. */
async function observe(ns: string, selector: string, change: () => void, done: () => boolean, timeoutMs: number): Promise<Observation> {
    const initial = podsOf(ns, selector).length;
    const watch = await watchPods(ns, selector, initial);
    change();
    const deadline = Date.now() + timeoutMs;
    let completed = false;
    while (!(completed = done()) && Date.now() < deadline) {
        await sleep(500);
    }
    const events = await watch.stop();
    let fewestReady = Number.MAX_SAFE_INTEGER;
    let mostPods = 0;
    let index = 0;
    for (const pods of statesOf(events)) {
        if (index++ < initial) {
            continue;
        }
        fewestReady = Math.min(fewestReady, [...pods.values()].filter(podReady).length);
        mostPods = Math.max(mostPods, pods.size);
    }
    return { completed, fewestReady, mostPods, events, initial };
}

/** The Deployment finished rolling to its current template: every pod updated, Ready and available, no old pod left. */
function rolledOut(ns: string, name: string, replicas: number): boolean {
    const d = getJson(["deployment", name, "-n", ns]);
    const s = d.status ?? {};
    return s.observedGeneration >= d.metadata.generation &&
        s.updatedReplicas === replicas && s.readyReplicas === replicas && s.availableReplicas === replicas && (s.replicas ?? 0) === replicas;
}

/**
 * The prod stack in its own namespace with the autoscaler held at its maximum
 * (minReplicas = maxReplicas): the scale at which a surge pod has nowhere to go.
 */
function atAutoscalerMaximum(objects: any[], ns: string): { objects: any[]; deployment: any; pods: number } {
    const moved = intoNamespace(objects, ns);
    const deployment = rocketchatDeployment(moved);
    const hpa = moved.find((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === deployment.metadata.name);
    hpa.spec.minReplicas = hpa.spec.maxReplicas;
    return { objects: moved, deployment, pods: hpa.spec.maxReplicas };
}

type Deployed = ReturnType<typeof atAutoscalerMaximum>;

/** `nodeCount` fake nodes and the stack applied with the autoscaler at its maximum, every pod rolled out. */
async function deployAtMaximum(ns: string, nodePrefix: string, nodeCount: number, objects: any[]): Promise<{ nodes: string[]; w: Deployed; selector: string }> {
    const nodes = await createNodes(nodePrefix, nodeCount);
    const w = atAutoscalerMaximum(objects, ns);
    applyObjects(w.objects);
    await waitFor(`${w.pods} Rocket.Chat pods rolled out`, () => rolledOut(ns, w.deployment.metadata.name, w.pods), 120_000);
    return { nodes, w, selector: selectorOf(w.deployment) };
}

function withImage(deployment: any, image: string): any {
    const copy = JSON.parse(JSON.stringify(deployment));
    copy.spec.template.spec.containers[0].image = image;
    return copy;
}


const nextImage = "registry.rocket.chat/rocketchat/rocket.chat:8.5.2";

describe("Rocket.Chat rollout at the autoscaler maximum on exactly schedulableNodes nodes (prod: 5 pods, 5 nodes)", function () {
    const ns = "e2e-roll-full";
    let nodes: string[] = [];
    let w: Deployed;
    let selector: string;
    before(async function () {
        ({ nodes, w, selector } = await deployAtMaximum(ns, "rollfull", 5, await stackObjects("prod")));
    });
    after(async function () { await teardownScenario(ns, nodes); });

    it("renders maxSurge 0 / maxUnavailable 1 for this shape", function () {
        assert.deepStrictEqual(w.deployment.spec.strategy.rollingUpdate, { maxSurge: 0, maxUnavailable: 1 });
    });

    it("an image change rolls out to completion and at least pods - 1 are Ready at every observed moment", async function () {
        const seen = await observe(ns, selector, () => applyObjects([withImage(w.deployment, nextImage)]), () => rolledOut(ns, w.deployment.metadata.name, w.pods), 180_000);
        assert.ok(seen.completed, `rollout did not complete; fewest Ready ${seen.fewestReady} over ${seen.events.length} pod events`);
        assert.ok(seen.fewestReady >= w.pods - 1, `fewest Ready ${seen.fewestReady} of ${w.pods}`);
        assert.ok(seen.mostPods <= w.pods, `never more pods than nodes (saw ${seen.mostPods})`);
        assert.ok(seen.events.length > seen.initial + w.pods, `the watch saw the rollout (${seen.events.length} events)`);
        const images = podsOf(ns, selector).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0].image);
        assert.deepStrictEqual([...new Set(images)], [nextImage]);
    });

    it("reproduction: the old fixed strategy (maxSurge 1, maxUnavailable 0) stalls with the surge pod Pending on anti-affinity", async function () {
        const old = withImage(w.deployment, "registry.rocket.chat/rocketchat/rocket.chat:8.5.1");
        old.spec.strategy.rollingUpdate = { maxSurge: 1, maxUnavailable: 0 };
        applyObjects([old]);
        const pending = await waitFor("the surge pod Pending on anti-affinity", () =>
            podsOf(ns, selector).find((p) => !p.spec.nodeName && /anti-affinity/.test(unschedulableMessage(p) ?? "")), 60_000);
        assert.ok(pending);
        // Give the controller time to make progress if it could: it cannot.
        await sleep(15_000);
        const stuck = podsOf(ns, selector).filter((p) => p.spec.containers[0].image === old.spec.template.spec.containers[0].image && isReady(p));
        assert.strictEqual(stuck.length, 0, "no pod of the new template ever became Ready");
        assert.ok(!rolledOut(ns, w.deployment.metadata.name, w.pods));
    });
});

describe("Rocket.Chat rollout with a spare node (prod with schedulableNodes 6: 5 pods, 6 nodes)", function () {
    const ns = "e2e-roll-spare";
    let nodes: string[] = [];
    let w: Deployed;
    let selector: string;
    before(async function () {
        ({ nodes, w, selector } = await deployAtMaximum(ns, "rollspare", 6, await stackObjectsWith("prod", { schedulableNodes: 6 })));
    });
    after(async function () { await teardownScenario(ns, nodes); });

    it("renders maxSurge 1 / maxUnavailable 0 for this shape", function () {
        assert.deepStrictEqual(w.deployment.spec.strategy.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 });
    });

    it("an image change uses the surge pod and Ready never drops below the full count", async function () {
        const seen = await observe(ns, selector, () => applyObjects([withImage(w.deployment, nextImage)]), () => rolledOut(ns, w.deployment.metadata.name, w.pods), 180_000);
        assert.ok(seen.completed, `rollout did not complete; fewest Ready ${seen.fewestReady}`);
        assert.ok(seen.fewestReady >= w.pods, `fewest Ready ${seen.fewestReady} of ${w.pods}`);
        assert.ok(seen.mostPods > w.pods, `a surge pod was created (most pods seen ${seen.mostPods})`);
    });
});

describe("MongoDB image change: one member at a time, in ordinal order (prod, 3 nodes)", function () {
    const ns = "e2e-roll-mongo";
    let nodes: string[] = [];
    let sts: any;
    let selector: string;
    before(async function () {
        nodes = await createNodes("rollmongo", 3);
        const objects = intoNamespace(await stackObjects("prod"), ns);
        sts = mongoStatefulSet(objects);
        selector = selectorOf(sts);
        applyObjects(objects);
        await waitFor("3 members Ready", () => podsOf(ns, selector).filter((p) => !p.metadata.deletionTimestamp && isReady(p)).length === 3, 120_000);
    });
    after(async function () { await teardownScenario(ns, nodes); });

    it("updates members in reverse ordinal order (member 0, the preferred primary, last), never two not Ready at once", async function () {
        const next = JSON.parse(JSON.stringify(sts));
        const newImage = "mongo:8.0.30";
        for (const c of [...next.spec.template.spec.containers, ...(next.spec.template.spec.initContainers ?? [])]) {
            c.image = newImage;
        }
        const done = () => {
            const st = getJson(["statefulset", sts.metadata.name, "-n", ns]).status ?? {};
            return st.updatedReplicas === 3 && st.readyReplicas === 3 && st.currentRevision === st.updateRevision;
        };
        const seen = await observe(ns, selector, () => applyObjects([next]), done, 180_000);
        assert.ok(seen.completed, "the StatefulSet finished its rolling update");
        const members = [0, 1, 2].map((i) => `${sts.metadata.name}-${i}`);
        const order: string[] = [];
        let mostNotReady = 0;
        let index = 0;
        for (const pods of statesOf(seen.events)) {
            if (index++ < seen.initial) {
                continue;
            }
            mostNotReady = Math.max(mostNotReady, members.filter((m) => !pods.has(m) || !podReady(pods.get(m))).length);
            for (const m of members) {
                if (pods.get(m)?.spec.containers[0].image === newImage && !order.includes(m)) {
                    order.push(m);
                }
            }
        }
        assert.deepStrictEqual(order, [2, 1, 0].map((i) => `${sts.metadata.name}-${i}`));
        assert.ok(mostNotReady <= 1, `at most one member not Ready at any observed moment (saw ${mostNotReady})`);
    });
});

describe("a refused upgrade changes nothing (prod, 3 nodes)", function () {
    const ns = "e2e-refused";
    let nodes: string[] = [];
    before(async function () {
        nodes = await createNodes("refused", 3);
    });
    after(async function () { await teardownScenario(ns, nodes); });

    it("skipping the supported path (Rocket.Chat 7.10 + MongoDB 7.0 -> 8.5 + 8.0 in one run) is refused by the program before it declares anything: the Deployment and StatefulSet stay exactly as they were", async function () {
        // The stack as the previous `pulumi up` left it, and the record that run wrote.
        const old = { namespace: ns, rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:7.10.0", mongodbImage: "mongo:7.0.26" };
        const first = await stackRunWith("prod", old, {});
        applyObjects(intoNamespace(kubernetesObjectsOf(first), ns));
        const sts = mongoStatefulSet(kubernetesObjectsOf(first));
        await waitFor("3 members Ready", () => podsOf(ns, selectorOf(sts)).filter(isReady).length === 3, 120_000);
        // The HPA sets the Deployment's replicas (a spec change): let it settle before the snapshot.
        await waitFor("Rocket.Chat at the autoscaler's minimum", () => rolledOut(ns, "rocketchat", 3), 120_000);
        const before = {
            sts: getJson(["statefulset", sts.metadata.name, "-n", ns]),
            deploy: getJson(["deployment", "rocketchat", "-n", ns]),
        };
        // The next run asks for both new majors at once, skipping the 7.13 bridge: refused, nothing to apply.
        const refused = await stackRunWith("prod", { namespace: ns }, { previousOutputs: { deployment: first.outputs.deployment } })
            .then(() => undefined, (e: Error) => e);
        assert.ok(refused, "the run was refused");
        assert.match(refused!.message, /Upgrade refused before anything changed .*\n.*first Rocket\.Chat 7\.13 \(supports MongoDB 7\.0 and 8\.0\), then MongoDB 8\.0, then Rocket\.Chat 8\.5\.1/);
        await sleep(5_000);
        const after = {
            sts: getJson(["statefulset", sts.metadata.name, "-n", ns]),
            deploy: getJson(["deployment", "rocketchat", "-n", ns]),
        };
        for (const kind of ["sts", "deploy"] as const) {
            assert.strictEqual(after[kind].metadata.generation, before[kind].metadata.generation, `${kind} generation`);
            assert.deepStrictEqual(after[kind].spec, before[kind].spec, `${kind} spec`);
        }
    });
});

describe("an allowed upgrade: the guard Job under the restricted Pod Security profile (prod, 3 nodes)", function () {
    const ns = "e2e-guard";
    let nodes: string[] = [];
    before(async function () {
        nodes = await createNodes("guard", 3);
    });
    after(async function () { await teardownScenario(ns, nodes); });

    it("is accepted by the apiserver and Pod Security admission (enforce: restricted), scheduled with the backup claim, and runs to completion", async function () {
        const first = await stackRunWith("prod", { namespace: ns }, {});
        const upgrade = await stackRunWith("prod", { namespace: ns, rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:8.5.2" },
            { previousOutputs: { deployment: first.outputs.deployment } });
        const objects = intoNamespace(kubernetesObjectsOf(upgrade), ns);
        // intoNamespace writes a bare Namespace: put the stack's Pod Security labels back so admission enforces them.
        const stackNamespace = kubernetesObjectsOf(upgrade).find((o) => o.kind === "Namespace");
        objects[0].metadata.labels = stackNamespace.metadata.labels;
        assert.strictEqual(objects[0].metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const guard = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("rocketchat-upgrade-guard-"));
        assert.ok(guard, "the upgrade renders a guard Job");
        applyObjects(objects);
        await waitFor("the guard Job complete", () => (getJson(["job", guard.metadata.name, "-n", ns]).status?.succeeded ?? 0) >= 1, 120_000);
        const events = kubectl(["get", "events", "-n", ns, "--field-selector", `involvedObject.name=${guard.metadata.name}`, "-o", "json"]);
        assert.ok(!/violates PodSecurity/.test(events), "no Pod Security refusal");
        // The same profile admits Rocket.Chat's pods with the Apps seed init container (8.5+).
        const deployment = rocketchatDeployment(objects);
        assert.ok(deployment.spec.template.spec.initContainers.some((c: any) => c.name.startsWith("seed-")));
        await waitFor("Rocket.Chat pods Ready under enforce: restricted", () => podsOf(ns, selectorOf(deployment)).filter(isReady).length >= 3, 120_000);
    });
});
