// Policy mongodb-network-policy (mongodbNetworkPolicy.ts) on synthetic objects: a stack policy relates several objects, so each case edits one object of the compliant synthetic stack.
import { strict as assert } from "assert";
import { assertOneViolation, stackWith } from "../testing/assertions";
import { compliantObjects, messagesOf } from "../testing/fixtures";
import { mongodbNetworkPolicy } from "./mongodbNetworkPolicy";

describe("policy mongodb-network-policy", () => {
    it("accepts a policy admitting only members and clients", async () => {
        assert.deepEqual(await messagesOf(mongodbNetworkPolicy, compliantObjects()), []);
    });

    it("reports MongoDB without a NetworkPolicy", async () => {
        assertOneViolation(await messagesOf(mongodbNetworkPolicy, stackWith({ "NetworkPolicy/rocketchat-mongodb": null })),
            /StatefulSet chat\/rocketchat-mongodb is not selected by any NetworkPolicy that restricts ingress/, /policyTypes \[Ingress\]/);
    });

    it("reports an ingress rule that admits everyone", async () => {
        const objects = compliantObjects();
        const policy = objects.find((object) => object.kind === "NetworkPolicy")!;
        policy.spec.ingress.push({ ports: [{ port: 27017 }] });
        assertOneViolation(await messagesOf(mongodbNetworkPolicy, objects), /has an ingress rule that admits every source/);
    });

    it("does not count an egress-only policy as protection", async () => {
        const objects = compliantObjects();
        objects.find((object) => object.kind === "NetworkPolicy")!.spec.policyTypes = ["Egress"];
        assertOneViolation(await messagesOf(mongodbNetworkPolicy, objects), /is not selected by any NetworkPolicy that restricts ingress/);
    });
});
