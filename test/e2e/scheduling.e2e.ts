/**
 * What the real kube-scheduler, kube-controller-manager (Deployment,
 * StatefulSet, ReplicaSet, HPA, disruption and pod-GC controllers) and the
 * eviction API do with the prod stack's anti-affinity, PDBs and HPA. kwok
 * plays the kubelets: nodes stay Ready, bound pods become Running/Ready.
 */
import * as assert from "assert";
import {
    applyObjects,
    createNodes,
    evict,
    getJson,
    intoNamespace,
    isReady,
    kubectl,
    kubectlRaw,
    podsOf,
    unschedulableMessage,
    waitFor,
    teardownScenario,
} from "./lib/kube";
import { mongoStatefulSet, rocketchatDeployment, selectorOf, stackObjects } from "./lib/stacks";

const antiAffinity = /didn't match pod anti-affinity rules/;
/**
 * Why a member stays Pending when every node already holds one: each kwok
 * node here is a zone of its own, and with fewer zones than topologyZones
 * the members' minDomains (components/podShapes.ts) keeps a zone from taking
 * a second member; the scheduler runs PodTopologySpread before
 * InterPodAffinity and reports the first filter a node fails.
 */
const memberPlacement = /didn't match pod (anti-affinity rules|topology spread constraints)/;

interface Workloads {
    ns: string;
    mongo: { name: string; selector: string; replicas: number };
    chat: { name: string; selector: string; replicas: number };
}

/** The prod stack in its own namespace, with volumes for its claims. */
async function deployProd(ns: string): Promise<Workloads> {
    const objects = intoNamespace(await stackObjects("prod"), ns);
    const sts = mongoStatefulSet(objects);
    const deploy = rocketchatDeployment(objects);
    assert.ok(deploy, "the prod stack renders no Deployment named rocketchat");
    const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === deploy.metadata.name);
    applyObjects(objects);
    return {
        ns,
        mongo: { name: sts.metadata.name, selector: selectorOf(sts), replicas: sts.spec.replicas },
        chat: { name: deploy.metadata.name, selector: selectorOf(deploy), replicas: hpa ? hpa.spec.minReplicas : deploy.spec.replicas ?? 1 },
    };
}

function nodeOf(pod: any): string | undefined {
    return pod.spec.nodeName;
}

/** Pods of a workload, without those already being deleted. */
function live(ns: string, selector: string): any[] {
    return podsOf(ns, selector).filter((p) => !p.metadata.deletionTimestamp);
}

async function waitAllReady(w: Workloads, timeoutMs = 120_000): Promise<{ mongo: any[]; chat: any[] }> {
    return waitFor(`${w.mongo.replicas} MongoDB members and ${w.chat.replicas} Rocket.Chat pods Ready in ${w.ns}`, () => {
        const mongo = live(w.ns, w.mongo.selector);
        const chat = live(w.ns, w.chat.selector);
        const ok = mongo.length === w.mongo.replicas && mongo.every(isReady) && chat.length === w.chat.replicas && chat.every(isReady);
        return ok ? { mongo, chat } : undefined;
    }, timeoutMs);
}

function distinctNodes(pods: any[]): number {
    return new Set(pods.map(nodeOf)).size;
}

function pdbStatus(ns: string, name: string): any {
    return getJson(["pdb", name, "-n", ns]).status ?? {};
}


describe("placement with required anti-affinity (prod stack)", function () {
    describe("3 nodes", function () {
        const ns = "e2e-place3";
        let nodes: string[] = [];
        let w: Workloads;
        before(async function () {
            nodes = await createNodes("place3", 3);
            w = await deployProd(ns);
        });
        after(async function () { await teardownScenario(ns, nodes); });

        it("the HPA raises the Deployment to its minReplicas", async function () {
            await waitFor("Deployment scaled by the HPA", () => getJson(["deployment", w.chat.name, "-n", ns]).spec.replicas === w.chat.replicas, 90_000);
        });

        it("the 3 MongoDB members and the 3 Rocket.Chat pods each land on 3 distinct nodes", async function () {
            const { mongo, chat } = await waitAllReady(w);
            assert.strictEqual(mongo.length, 3);
            assert.strictEqual(chat.length, 3);
            assert.strictEqual(distinctNodes(mongo), 3, `members on ${mongo.map(nodeOf)}`);
            assert.strictEqual(distinctNodes(chat), 3, `Rocket.Chat pods on ${chat.map(nodeOf)}`);
        });

        it("the bootstrap Job runs to completion", async function () {
            await waitFor("bootstrap Job complete", () => getJson(["jobs", "-n", ns]).items.every((j: any) => (j.status?.succeeded ?? 0) >= 1), 90_000);
        });
    });

    describe("2 nodes", function () {
        const ns = "e2e-place2";
        let nodes: string[] = [];
        let w: Workloads;
        before(async function () {
            nodes = await createNodes("place2", 2);
            w = await deployProd(ns);
            await waitFor("Deployment scaled by the HPA", () => getJson(["deployment", w.chat.name, "-n", ns]).spec.replicas === w.chat.replicas, 90_000);
        });
        after(async function () { await teardownScenario(ns, nodes); });

        for (const which of ["mongo", "chat"] as const) {
            it(`${which === "mongo" ? "MongoDB" : "Rocket.Chat"}: two pods run on the two nodes, the third stays Pending with the anti-affinity reason`, async function () {
                const { selector } = w[which];
                const pods = await waitFor("2 Ready and 1 unschedulable pod", () => {
                    const all = live(ns, selector);
                    const ready = all.filter(isReady);
                    const pending = all.filter((p) => p.status.phase === "Pending" && !nodeOf(p) && unschedulableMessage(p));
                    return all.length === 3 && ready.length === 2 && pending.length === 1 ? { ready, pending } : undefined;
                }, 120_000);
                assert.strictEqual(distinctNodes(pods.ready), 2);
                const message = unschedulableMessage(pods.pending[0])!;
                assert.match(message, /^Unschedulable: /);
                assert.match(message, which === "mongo" ? memberPlacement : antiAffinity);
            });
        }
    });
});

describe("draining nodes against the PodDisruptionBudgets (3 nodes, prod stack)", function () {
    const ns = "e2e-drain";
    let nodes: string[] = [];
    let w: Workloads;
    before(async function () {
        nodes = await createNodes("drain", 3);
        w = await deployProd(ns);
        await waitAllReady(w);
        for (const pdb of [w.mongo.name, w.chat.name]) {
            await waitFor(`PDB ${pdb} allows 1 disruption`, () => {
                const s = pdbStatus(ns, pdb);
                return s.currentHealthy === 3 && s.disruptionsAllowed === 1;
            }, 60_000);
        }
    });
    after(async function () { await teardownScenario(ns, nodes); });

    it("draining the first node is allowed: one member and one Rocket.Chat pod are evicted within the budget", async function () {
        const res = kubectlRaw(["drain", nodes[0], "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=90s"]);
        assert.strictEqual(res.code, 0, res.stderr);
        assert.match(res.stdout + res.stderr, /evicted/);
        // Their replacements cannot go anywhere: the node is cordoned, the others host a sibling.
        for (const which of ["mongo", "chat"] as const) {
            await waitFor(`${which} replacement Pending on anti-affinity`, () => {
                const pods = live(ns, w[which].selector);
                const pending = pods.filter((p) => !nodeOf(p));
                return pending.length === 1 && /unschedulable|anti-affinity/.test(unschedulableMessage(pending[0]) ?? "");
            }, 60_000);
        }
    });

    it("the budgets are spent: the disruption controller reports 0 allowed disruptions", async function () {
        for (const pdb of [w.mongo.name, w.chat.name]) {
            await waitFor(`PDB ${pdb} at 0 allowed`, () => {
                const s = pdbStatus(ns, pdb);
                return s.currentHealthy === 2 && s.disruptionsAllowed === 0;
            }, 60_000);
        }
    });

    it("the eviction API refuses a second member and a second Rocket.Chat pod (429, disruption budget)", async function () {
        for (const which of ["mongo", "chat"] as const) {
            const victim = live(ns, w[which].selector).find((p) => nodeOf(p) === nodes[1]);
            assert.ok(victim, `no ${which} pod on ${nodes[1]}`);
            const res = evict(ns, victim.metadata.name);
            assert.notStrictEqual(res.code, 0, `eviction of ${victim.metadata.name} was allowed`);
            assert.match(res.stderr, /TooManyRequests|429|disruption budget/i, res.stderr);
            assert.match(res.stderr, /violate the pod's disruption budget/);
        }
    });

    it("kubectl drain of a second node does not get through", async function () {
        const res = kubectlRaw(["drain", nodes[1], "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=15s"]);
        assert.notStrictEqual(res.code, 0, "second drain succeeded");
        assert.match(res.stdout + res.stderr, /disruption budget/);
        assert.strictEqual(live(ns, w.mongo.selector).filter(isReady).length, 2, "a second member was lost");
        assert.strictEqual(live(ns, w.chat.selector).filter(isReady).length, 2, "a second Rocket.Chat pod was lost");
    });

    it("uncordoning restores the budget and eviction is allowed again", async function () {
        kubectl(["uncordon", nodes[0], nodes[1]]);
        await waitAllReady(w);
        for (const pdb of [w.mongo.name, w.chat.name]) {
            await waitFor(`PDB ${pdb} allows 1 disruption again`, () => pdbStatus(ns, pdb).disruptionsAllowed === 1, 60_000);
        }
        const victim = live(ns, w.chat.selector).find((p) => nodeOf(p) === nodes[1]);
        const res = evict(ns, victim.metadata.name);
        assert.strictEqual(res.code, 0, res.stderr);
    });
});

describe("losing a node that hosts a Rocket.Chat pod (prod stack)", function () {
    for (const count of [4, 3]) {
        describe(`${count} nodes`, function () {
            const ns = `e2e-loss${count}`;
            let nodes: string[] = [];
            let w: Workloads;
            let lost: string;
            let membersBefore: Map<string, string>;
            let lostMember: { name: string; uid: string };
            before(async function () {
                nodes = await createNodes(`loss${count}`, count);
                w = await deployProd(ns);
                const { mongo, chat } = await waitAllReady(w);
                membersBefore = new Map(mongo.map((p) => [p.metadata.name, claimOf(p)]));
                // A node hosting both a Rocket.Chat pod and a member (there always is one:
                // 6 pods on at most 4 nodes, one of each kind per node).
                const chatNodes = new Set(chat.map(nodeOf));
                lost = mongo.map(nodeOf).find((n) => chatNodes.has(n))!;
                assert.ok(lost, "no node hosts both a Rocket.Chat pod and a member");
                const onLost = mongo.find((p) => nodeOf(p) === lost)!;
                lostMember = { name: onLost.metadata.name, uid: onLost.metadata.uid };
                kubectl(["delete", "node", lost]);
            });
            after(async function () { await teardownScenario(ns, nodes); });

            if (count === 4) {
                it("the Deployment returns to full availability on the 3 remaining nodes", async function () {
                    const chat = await waitFor("3 Rocket.Chat pods Ready on the remaining nodes", () => {
                        const pods = live(ns, w.chat.selector);
                        return pods.length === 3 && pods.every(isReady) && pods.every((p) => nodeOf(p) !== lost) ? pods : undefined;
                    }, 180_000);
                    assert.strictEqual(distinctNodes(chat), 3);
                    await waitFor("Deployment availableReplicas 3", () => getJson(["deployment", w.chat.name, "-n", ns]).status.availableReplicas === 3, 60_000);
                });

                it("the StatefulSet keeps its member identities: same names, same volume claims, on distinct nodes", async function () {
                    const mongo = await waitFor("3 members Ready on the remaining nodes", () => {
                        const pods = live(ns, w.mongo.selector);
                        return pods.length === 3 && pods.every(isReady) && pods.every((p) => nodeOf(p) !== lost) ? pods : undefined;
                    }, 180_000);
                    assert.deepStrictEqual(new Map(mongo.map((p) => [p.metadata.name, claimOf(p)])), membersBefore);
                    assert.strictEqual(distinctNodes(mongo), 3);
                    const recreated = mongo.find((p) => p.metadata.name === lostMember.name)!;
                    assert.notStrictEqual(recreated.metadata.uid, lostMember.uid, `${lostMember.name} was not recreated`);
                });
            } else {
                it("the lost Rocket.Chat pod stays Pending on anti-affinity while 2 keep serving", async function () {
                    const { pending } = await waitFor("replacement Pending", () => {
                        const pods = live(ns, w.chat.selector);
                        const pendingPods = pods.filter((p) => !nodeOf(p) && unschedulableMessage(p));
                        const ready = pods.filter(isReady);
                        return pods.length === 3 && pendingPods.length === 1 && ready.length === 2 ? { pending: pendingPods } : undefined;
                    }, 180_000);
                    assert.match(unschedulableMessage(pending[0])!, antiAffinity);
                    const deploy = getJson(["deployment", w.chat.name, "-n", ns]);
                    assert.strictEqual(deploy.status.availableReplicas, 2);
                    // "Serving": the Service still has two ready endpoints.
                    const service = getJson(["service", "-n", ns, "-l", w.chat.selector]).items.find((s: any) => !s.spec.clusterIP || s.spec.clusterIP !== "None");
                    assert.ok(service, "no Rocket.Chat Service");
                    await waitFor("2 ready endpoints", () => {
                        const slices = getJson(["endpointslices", "-n", ns, "-l", `kubernetes.io/service-name=${service.metadata.name}`]).items;
                        const ready = slices.flatMap((s: any) => s.endpoints ?? []).filter((e: any) => e.conditions?.ready);
                        return ready.length === 2;
                    }, 60_000);
                });

                it("the lost member is recreated under its own name and claim and waits; the other two keep theirs", async function () {
                    const mongo = await waitFor("lost member recreated and Pending", () => {
                        const pods = live(ns, w.mongo.selector);
                        return pods.length === 3 && pods.filter(isReady).length === 2 && pods.some((p) => !nodeOf(p) && unschedulableMessage(p)) ? pods : undefined;
                    }, 180_000);
                    assert.deepStrictEqual(new Map(mongo.map((p) => [p.metadata.name, claimOf(p)])), membersBefore);
                    const pending = mongo.find((p) => !nodeOf(p))!;
                    assert.strictEqual(pending.metadata.name, lostMember.name);
                    assert.notStrictEqual(pending.metadata.uid, lostMember.uid);
                    assert.match(unschedulableMessage(pending)!, memberPlacement);
                });
            }
        });
    }
});

/** The PVC a StatefulSet member mounts as its data volume. */
function claimOf(pod: any): string {
    const vol = (pod.spec.volumes ?? []).find((v: any) => v.persistentVolumeClaim);
    return vol ? vol.persistentVolumeClaim.claimName : "";
}
