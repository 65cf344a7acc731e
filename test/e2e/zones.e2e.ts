/**
 * Zone survival and placement controls on the real kube-scheduler and
 * controllers (kwok plays the kubelets): the prod stack spreads over three
 * zones of 2+2+1 nodes so that no zone holds a majority of MongoDB members,
 * losing a whole zone leaves a majority and Rocket.Chat serving, a 2-zone
 * layout is refused before anything is declared, and node selectors and
 * tolerations put pods only where they match.
 */
import * as assert from "assert";
import { majorityOf } from "../../components/zones";
import { dump } from "js-yaml";
import { applyObjects, createNodes, fakeNode, intoNamespace, isReady, kubectl, kubectlRaw, podsOf, teardownScenario, waitFor } from "./lib/kube";
import { mongoStatefulSet, rocketchatDeployment, selectorOf, stackObjects, stackObjectsWith } from "./lib/stacks";

/** Pods of a workload not being deleted. */
const current = (ns: string, selector: string) => podsOf(ns, selector).filter((p) => !p.metadata.deletionTimestamp);

/** How many of `pods` run in each zone, by their nodes' labels. */
function perZone(pods: any[], zoneOfNode: Map<string, string>): Map<string, number> {
    const counts = new Map<string, number>();
    for (const pod of pods) {
        const zone = zoneOfNode.get(pod.spec.nodeName)!;
        counts.set(zone, (counts.get(zone) ?? 0) + 1);
    }
    return counts;
}


/** Applies `objects` in `ns`; returns the members' and Rocket.Chat pods' selectors and counts once all are Ready. */
async function deployReady(ns: string, objects: any[]): Promise<{ mongo: string; chat: string; members: number; chatPods: number }> {
    const moved = intoNamespace(objects, ns);
    const sts = mongoStatefulSet(moved);
    const deploy = rocketchatDeployment(moved);
    const hpa = moved.find((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === deploy.metadata.name);
    applyObjects(moved);
    const w = { mongo: selectorOf(sts), chat: selectorOf(deploy), members: sts.spec.replicas, chatPods: hpa ? hpa.spec.minReplicas : deploy.spec.replicas };
    await waitFor(`${w.members} members and ${w.chatPods} Rocket.Chat pods Ready in ${ns}`, () => {
        const mongo = current(ns, w.mongo);
        const chat = current(ns, w.chat);
        return mongo.length === w.members && mongo.every(isReady) && chat.length === w.chatPods && chat.every(isReady);
    }, 180_000);
    return w;
}

describe("zones: the prod stack over 3 zones of 2+2+1 nodes", function () {
    const ns = "e2e-zones";
    const zones = ["zone-a", "zone-a", "zone-b", "zone-b", "zone-c"];
    const zoneOfNode = new Map<string, string>();
    let nodes: string[] = [];
    let w: Awaited<ReturnType<typeof deployReady>>;
    /** maxSkew 1: the zones' pod counts differ by at most one. */
    const assertSpread = (pods: any[], what: string) => {
        const counts = perZone(pods, zoneOfNode);
        const perZoneCounts = ["zone-a", "zone-b", "zone-c"].map((zone) => counts.get(zone) ?? 0);
        assert.ok(Math.max(...perZoneCounts) - Math.min(...perZoneCounts) <= 1, `${what}: ${perZoneCounts.join(", ")}`);
    };

    before(async function () {
        nodes = await createNodes("zone", zones.length, (i) => ({ zone: zones[i] }));
        nodes.forEach((node, i) => zoneOfNode.set(node, zones[i]));
        w = await deployReady(ns, await stackObjects("prod"));
    });
    after(async function () { await teardownScenario(ns, nodes); });

    it("no zone holds a majority of the members, and Rocket.Chat pods differ by at most one between zones", function () {
        const members = perZone(current(ns, w.mongo), zoneOfNode);
        assert.ok(Math.max(...members.values()) < majorityOf(w.members), `members per zone: ${JSON.stringify([...members])}`);
        assertSpread(current(ns, w.chat), "Rocket.Chat pods per zone");
    });

    it("a template change rolls out to completion under the zone constraint, the pods still spread", async function () {
        const patch = JSON.stringify({ spec: { template: { metadata: { annotations: { "e2e.rocketchat-ha.io/rollout": "zones" } } } } });
        kubectl(["patch", "deployment", "rocketchat", "-n", ns, "--type=merge", "-p", patch]);
        const status = kubectlRaw(["rollout", "status", "deployment/rocketchat", "-n", ns, "--timeout=150s"]);
        assert.strictEqual(status.code, 0, `rollout did not complete: ${status.stdout}${status.stderr}`);
        const chat = await waitFor(`${w.chatPods} Rocket.Chat pods of the new template Ready`, () => {
            const pods = current(ns, w.chat);
            return pods.length === w.chatPods && pods.every(isReady) && pods.every((p) => p.metadata.annotations?.["e2e.rocketchat-ha.io/rollout"] === "zones") ? pods : undefined;
        }, 60_000);
        assertSpread(chat, "Rocket.Chat pods per zone after the rollout");
    });

    it("losing every node of zone-a leaves a majority of members and a Rocket.Chat pod Ready", async function () {
        const lost = nodes.filter((node) => zoneOfNode.get(node) === "zone-a");
        kubectl(["delete", "node", ...lost]);
        // The pod garbage collector removes the pods of deleted nodes; what is left is what survived the zone.
        const survivors = await waitFor("no pod left on zone-a", () => {
            const mongo = podsOf(ns, w.mongo).filter((p) => !lost.includes(p.spec.nodeName));
            const gone = podsOf(ns, w.mongo).every((p) => !lost.includes(p.spec.nodeName)) && podsOf(ns, w.chat).every((p) => !lost.includes(p.spec.nodeName));
            return gone ? { mongo, chat: podsOf(ns, w.chat).filter((p) => p.spec.nodeName && !lost.includes(p.spec.nodeName)) } : undefined;
        }, 120_000);
        const readyMembers = survivors.mongo.filter(isReady).length;
        assert.ok(readyMembers >= majorityOf(w.members), `${readyMembers} of ${w.members} members Ready after losing zone-a`);
        assert.ok(survivors.chat.filter(isReady).length >= 1, "no Rocket.Chat pod Ready after losing zone-a");
    });

    it("the lost member waits for its zone instead of piling into a remaining one (minDomains), and comes back there with the zone", async function () {
        // Without minDomains the scheduler counts only zone-b and zone-c and places it
        // beside another member (2+1): once zone-a is back, that zone then holds a majority.
        const pending = await waitFor("a member Pending, unscheduled", () => {
            const waiting = current(ns, w.mongo).filter((p) => !p.spec.nodeName);
            return waiting.length === 1 ? waiting[0] : undefined;
        }, 120_000);
        await new Promise((r) => setTimeout(r, 15_000));
        const stillWaiting = current(ns, w.mongo).find((p) => p.metadata.name === pending.metadata.name);
        assert.ok(stillWaiting && !stillWaiting.spec.nodeName, `${pending.metadata.name} was placed in a remaining zone: ${stillWaiting?.spec.nodeName}`);
        const lost = nodes.filter((node) => zoneOfNode.get(node) === "zone-a");
        kubectl(["create", "-f", "-"], lost.map((name) => dump(fakeNode(name, { zone: "zone-a" }))).join("---\n"));
        await waitFor(`${w.members} members Ready, one in each zone`, () => {
            const mongo = current(ns, w.mongo);
            const zonesHeld = new Set(mongo.map((p) => zoneOfNode.get(p.spec.nodeName)));
            return mongo.length === w.members && mongo.every(isReady) && zonesHeld.size === 3;
        }, 180_000);
    });

    it("2 zones are refused before anything is declared, naming the setting and the missing third site", async function () {
        // By name: the program is loaded afresh under the mock runtime, so its ConfigError class is another instance.
        await assert.rejects(stackObjectsWith("prod", { topologyZones: 2 }), (error: unknown) =>
            (error as Error).name === "ConfigError" && /rocketchat-ha:topologyZones = 2: .*cannot survive losing the zone that holds the majority.*third site/.test((error as Error).message));
    });
});

describe("placement controls: node selectors and tolerations (prod stack)", function () {
    const ns = "e2e-placement";
    let nodes: string[] = [];
    let chatNodes: string[] = [];
    let w: Awaited<ReturnType<typeof deployReady>>;

    before(async function () {
        // Three nodes reserved for chat (labelled and tainted), three plain ones.
        chatNodes = await createNodes("chatpool", 3, () => ({ labels: { pool: "chat" }, taints: [{ key: "dedicated", value: "chat", effect: "NoSchedule" }] }));
        const plain = await createNodes("plainpool", 3);
        nodes = [...chatNodes, ...plain];
        const objects = await stackObjectsWith("prod", {
            schedulableNodes: 3,
            autoscalingMaxReplicas: 3,
            podPlacement: { rocketchat: { nodeSelector: { pool: "chat" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "chat", effect: "NoSchedule" }] } },
        });
        w = await deployReady(ns, objects);
    });
    after(async function () { await teardownScenario(ns, nodes); });

    it("Rocket.Chat pods run only on the labelled nodes they tolerate", function () {
        const placed = current(ns, w.chat).map((p) => p.spec.nodeName);
        assert.deepStrictEqual([...placed].sort(), [...chatNodes].sort());
    });

    it("MongoDB members, without the toleration, stay off the tainted nodes", function () {
        const placed = current(ns, w.mongo).map((p) => p.spec.nodeName);
        assert.ok(placed.every((node) => !chatNodes.includes(node)), `members on ${placed.join(", ")}`);
        assert.strictEqual(new Set(placed).size, w.members);
    });
});
