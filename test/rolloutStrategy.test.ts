import { strict as assert } from "assert";
import { rollingUpdateFor } from "../components/rocketchat/rolloutStrategy";
import { rocketchatBuild } from "./support/rocketchatBuild";

/**
 * A simulated rollout of a Deployment under the rules of the Deployment
 * controller and required anti-affinity: at most replicas + maxSurge pods
 * exist, at least replicas - maxUnavailable are available, a pod needs a node
 * without a pod of the workload. Returns whether every old pod got replaced
 * and the fewest pods that were serving at any step.
 */
function simulateRollout(replicas: number, nodes: number, maxSurge: number, maxUnavailable: number): { completed: boolean; fewestServing: number } {
    let oldPods = replicas;
    let newPods = 0;
    let fewestServing = replicas;
    for (let step = 0; step < 4 * replicas + 4; step++) {
        if (oldPods === 0) {
            return { completed: true, fewestServing };
        }
        // Scale up the new ReplicaSet while the total stays within replicas + maxSurge and a node is free.
        const canCreate = Math.min(replicas + maxSurge - (oldPods + newPods), nodes - (oldPods + newPods), replicas - newPods);
        newPods += Math.max(0, canCreate);
        // Scale down old pods while the available ones stay at or above replicas - maxUnavailable.
        const canDelete = Math.min(oldPods, oldPods + newPods - (replicas - maxUnavailable));
        oldPods -= Math.max(0, canDelete);
        fewestServing = Math.min(fewestServing, oldPods + newPods);
        if (canCreate <= 0 && canDelete <= 0) {
            return { completed: false, fewestServing };
        }
    }
    return { completed: oldPods === 0, fewestServing };
}

describe("Rocket.Chat rollout strategy", () => {
    it("reproduces the stall: surge-only rolling at full scale under required anti-affinity never completes", () => {
        // The old fixed strategy, at prod's autoscaler maximum on prod's nodes.
        assert.equal(simulateRollout(5, 5, 1, 0).completed, false);
    });

    it("drops one pod first when the most pods the stack can run fill every schedulable node", () => {
        for (const [mostPods, nodes] of [[3, 3], [5, 5], [1, 1]]) {
            const r = rollingUpdateFor({ mostPods, schedulableNodes: nodes, antiAffinity: "required", disruptionBudgetMaxUnavailable: 1 });
            assert.deepEqual([r.maxSurge, r.maxUnavailable], [0, 1], `${mostPods} pods on ${nodes} nodes`);
            assert.match(r.reason, /no node for a surge pod/);
            const run = simulateRollout(mostPods, nodes, r.maxSurge, r.maxUnavailable);
            assert.ok(run.completed, `${mostPods} pods on ${nodes} nodes completes`);
            assert.equal(run.fewestServing, mostPods - 1, "never more than one pod below full strength");
        }
    });

    it("surges, keeping every serving pod, when a spare node exists or anti-affinity is only preferred", () => {
        for (const [mostPods, nodes, mode] of [[5, 6, "required"], [3, 5, "required"], [3, 1, "preferred"], [1, 1, "preferred"]] as const) {
            const r = rollingUpdateFor({ mostPods, schedulableNodes: nodes, antiAffinity: mode, disruptionBudgetMaxUnavailable: 1 });
            assert.deepEqual([r.maxSurge, r.maxUnavailable], [1, 0], `${mostPods} pods on ${nodes} nodes, ${mode}`);
            if (mode === "required") {
                const run = simulateRollout(mostPods, nodes, r.maxSurge, r.maxUnavailable);
                assert.ok(run.completed);
                assert.equal(run.fewestServing, mostPods, "Ready never drops");
            }
        }
    });

    it("never takes more pods out of service than the disruption budget allows", () => {
        for (let nodes = 1; nodes <= 7; nodes++) {
            for (let mostPods = 1; mostPods <= nodes; mostPods++) {
                const r = rollingUpdateFor({ mostPods, schedulableNodes: nodes, antiAffinity: "required", disruptionBudgetMaxUnavailable: 1 });
                assert.ok(r.maxUnavailable <= 1);
                assert.ok(simulateRollout(mostPods, nodes, r.maxSurge, r.maxUnavailable).completed, `${mostPods} on ${nodes}`);
            }
        }
        assert.throws(
            () => rollingUpdateFor({ mostPods: 3, schedulableNodes: 3, antiAffinity: "required", disruptionBudgetMaxUnavailable: 0 }),
            /fill all 3 nodes.*disruption budget allows none/,
        );
    });

    describe("in the stacks' Deployments", () => {
        const strategyOf = (stack: string, overrides: Record<string, unknown> = {}) => {
            const { deployment: d, disruptionBudget: pdb } = rocketchatBuild(stack, overrides).objects as any;
            return { rolling: d.spec.strategy.rollingUpdate, pdbMaxUnavailable: pdb.spec.maxUnavailable, deadline: d.spec.progressDeadlineSeconds };
        };

        it("prod (autoscaler maximum 5 = schedulableNodes 5) and test (3 = 3) roll one pod at a time, within their budget", () => {
            for (const stack of ["prod", "test"]) {
                const s = strategyOf(stack);
                assert.deepEqual(s.rolling, { maxSurge: 0, maxUnavailable: 1 }, stack);
                assert.ok(s.rolling.maxUnavailable <= s.pdbMaxUnavailable);
            }
        });

        it("prod with a spare node surges; dev (preferred anti-affinity) surges", () => {
            assert.deepEqual(strategyOf("prod", { schedulableNodes: 6 }).rolling, { maxSurge: 1, maxUnavailable: 0 });
            assert.deepEqual(strategyOf("dev").rolling, { maxSurge: 1, maxUnavailable: 0 });
        });

        it("the progress deadline outlasts a new pod's startup budget", () => {
            const s = strategyOf("prod");
            assert.ok(s.deadline > 600, `progressDeadlineSeconds ${s.deadline}`);
        });
    });
});
