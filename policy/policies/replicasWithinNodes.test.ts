// Policy replicas-within-schedulable-nodes (replicasWithinNodes.ts) on synthetic objects: a stack policy relates several objects, so each case edits one object of the compliant synthetic stack.
import { strict as assert } from "assert";
import { assertOneViolation, stackWith } from "../testing/assertions";
import { autoscaler, compliantObjects, messagesOf, rocketChatDeployment, runPolicy } from "../testing/fixtures";
import { replicasWithinNodes } from "./replicasWithinNodes";

describe("policy replicas-within-schedulable-nodes", () => {
    it("accepts an autoscaler maximum equal to the node count", async () => {
        assert.deepEqual(await messagesOf(replicasWithinNodes, compliantObjects(), { schedulableNodes: 3 }), []);
    });

    it("reports maxReplicas 10 on 3 nodes under required anti-affinity, on the autoscaler", async () => {
        const violations = await runPolicy(replicasWithinNodes, stackWith({ "HorizontalPodAutoscaler/rocketchat": autoscaler(10) }), { schedulableNodes: 3 });
        assertOneViolation(violations.map((v) => v.message),
            /HorizontalPodAutoscaler chat\/rocketchat may scale Deployment chat\/rocketchat to 10 pods, but required one-per-node anti-affinity fits only 3/,
            /autoscalingMaxReplicas to at most 3/);
        assert.match(violations[0].resource ?? "", /HorizontalPodAutoscaler::rocketchat$/);
    });

    it("reports fixed replicas above the node count, reading the count from policy config", async () => {
        const messages = await messagesOf(replicasWithinNodes, compliantObjects(), { schedulableNodes: 2 });
        assert.equal(messages.length, 3, JSON.stringify(messages));
        assert.match(messages.join("\n"), /StatefulSet chat\/rocketchat-mongodb asks for 3 replicas with required one-per-node anti-affinity, but only 2 nodes/);
    });

    it("ignores workloads with only preferred anti-affinity", async () => {
        const deployment = rocketChatDeployment();
        delete deployment.spec.template.spec.affinity;
        assert.deepEqual(await messagesOf(replicasWithinNodes, stackWith({ "Deployment/rocketchat": deployment, "HorizontalPodAutoscaler/rocketchat": autoscaler(10) }), { schedulableNodes: 3 }), []);
    });
});
