// Policy pod-disruption-budgets (disruptionBudgets.ts) on synthetic objects: a stack policy relates several objects, so each case edits one object of the compliant synthetic stack.
import { strict as assert } from "assert";
import { assertOneViolation, stackWith } from "../testing/assertions";
import { chatSelector, compliantObjects, disruptionBudget, messagesOf, mongoSelector } from "../testing/fixtures";
import { disruptionBudgets } from "./disruptionBudgets";

describe("policy pod-disruption-budgets", () => {
    it("accepts maxUnavailable 1 for Rocket.Chat and MongoDB", async () => {
        assert.deepEqual(await messagesOf(disruptionBudgets, compliantObjects()), []);
    });

    it("reports a multi-replica workload without a budget", async () => {
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat": null })),
            /Deployment chat\/rocketchat runs up to 3 pods but no PodDisruptionBudget selects them/);
    });

    it("reports a budget whose selector matches nothing as missing", async () => {
        const stale = disruptionBudget("rocketchat", { "app.kubernetes.io/name": "rocket-chat" });
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat": stale })), /no PodDisruptionBudget selects them/);
    });

    it("reports minAvailable equal to the replicas, which blocks every drain", async () => {
        const blocking = disruptionBudget("rocketchat", chatSelector, { minAvailable: 3 });
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat": blocking })),
            /PodDisruptionBudget chat\/rocketchat allows no voluntary eviction of Deployment chat\/rocketchat's 3 pods/);
    });

    it("reports a MongoDB budget that allows losing the majority, with percentages rounded up", async () => {
        const loose = disruptionBudget("rocketchat-mongodb", mongoSelector, { maxUnavailable: "50%" });
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat-mongodb": loose })),
            /lets 2 of 3 MongoDB members be evicted at once, leaving 1: fewer than the majority of 2/, /maxUnavailable: 1 \(keeps 2 of 3 members, a majority\)/);
    });

    it("accepts minAvailable 2 of 3 for MongoDB and reports both fields set", async () => {
        const exact = disruptionBudget("rocketchat-mongodb", mongoSelector, { minAvailable: 2 });
        assert.deepEqual(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat-mongodb": exact })), []);
        const both = disruptionBudget("rocketchat-mongodb", mongoSelector, { minAvailable: 2, maxUnavailable: 1 });
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat-mongodb": both })), /sets both minAvailable and maxUnavailable/);
    });

    it("reports two budgets selecting the same pods", async () => {
        const objects = [...compliantObjects(), disruptionBudget("rocketchat-extra", chatSelector)];
        assertOneViolation(await messagesOf(disruptionBudgets, objects), /is selected by 2 PodDisruptionBudgets \(rocketchat, rocketchat-extra\)/);
    });
});
