/**
 * How the Rocket.Chat Deployment rolls, derived from the settings so that a
 * new pod can always be placed.
 *
 * Under required anti-affinity every pod needs a node of its own. When the
 * most pods the stack can run (the autoscaler's maximum, or the fixed replica
 * count) equals the schedulable nodes, there may be no free node for a surge
 * pod: `maxSurge: 1, maxUnavailable: 0` then leaves the surge pod Pending and
 * forbids removing an old pod first, and the rollout stalls until its
 * progress deadline (`pulumi up` fails). In that case one old pod goes first
 * (`maxSurge: 0, maxUnavailable: 1`) and its replacement takes the freed
 * node. Otherwise a spare node exists and surge keeps every serving pod up.
 *
 * The Deployment never takes more pods out of service than the
 * PodDisruptionBudget allows a voluntary disruption to take.
 *
 * With zones on (topologyZones) the pods also keep within one of each other
 * per zone. The rule still holds when the nodes spread evenly over the zones
 * (what the settings assume): a spare node then always lies in a zone with the
 * fewest pods, and a replacement always fits the node its predecessor freed
 * (test/zones.test.ts checks every count).
 */
import { AntiAffinityMode } from "../podShapes";

export interface RolloutInputs {
    /** Most Rocket.Chat pods the stack can run (see mostRocketchatPods in settings.ts). */
    readonly mostPods: number;
    /** Nodes that can run these pods (the schedulableNodes setting). */
    readonly schedulableNodes: number;
    readonly antiAffinity: AntiAffinityMode;
    /** The PodDisruptionBudget's maxUnavailable: the most pods a voluntary change may take out of service. */
    readonly disruptionBudgetMaxUnavailable: number;
}

export interface RollingUpdate {
    readonly maxSurge: number;
    readonly maxUnavailable: number;
    /** One sentence for docs and logs: why this strategy. */
    readonly reason: string;
}

export function rollingUpdateFor(inputs: RolloutInputs): RollingUpdate {
    const { mostPods, schedulableNodes, antiAffinity, disruptionBudgetMaxUnavailable } = inputs;
    const noSpareNode = antiAffinity === "required" && mostPods >= schedulableNodes;
    if (!noSpareNode) {
        return {
            maxSurge: 1,
            maxUnavailable: 0,
            reason: antiAffinity === "required"
                ? `up to ${mostPods} pods on ${schedulableNodes} nodes leave a spare node for a surge pod: every serving pod stays up`
                : "preferred anti-affinity lets a surge pod share a node: every serving pod stays up",
        };
    }
    if (disruptionBudgetMaxUnavailable < 1) {
        // Not reachable with today's budget (maxUnavailable 1); refuse rather than declare a rollout that cannot finish.
        throw new Error(
            `Rocket.Chat cannot roll out: ${mostPods} pods under required anti-affinity fill all ${schedulableNodes} nodes, ` +
            "so one pod must go before its replacement can be placed, but the disruption budget allows none",
        );
    }
    return {
        maxSurge: 0,
        maxUnavailable: 1,
        reason: `up to ${mostPods} pods on ${schedulableNodes} nodes under required anti-affinity leave no node for a surge pod: ` +
            "one old pod goes first and its replacement takes the freed node (the disruption budget allows one)",
    };
}
