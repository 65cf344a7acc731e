// Policy mongodb-data-kept (mongodbDataKept.ts) on synthetic objects: the compliant StatefulSet passes; one that deletes its data claims is reported with the setting that did it.
import { strict as assert } from "assert";
import { assertOneViolation } from "../testing/assertions";
import { compliantObjects, messagesOf, mongoStatefulSet } from "../testing/fixtures";
import { mongodbDataKept } from "./mongodbDataKept";

describe("policy mongodb-data-kept", () => {
    it("accepts the compliant stack, and a StatefulSet without a retention policy (Kubernetes retains)", async () => {
        assert.deepEqual(await messagesOf(mongodbDataKept, compliantObjects()), []);
        const sts = mongoStatefulSet();
        delete sts.spec.persistentVolumeClaimRetentionPolicy;
        assert.deepEqual(await messagesOf(mongodbDataKept, [sts]), []);
    });

    it("reports a StatefulSet that deletes its claims with it (deleteDataOnDestroy)", async () => {
        const sts = mongoStatefulSet();
        sts.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" };
        assertOneViolation(await messagesOf(mongodbDataKept, [sts]), /StatefulSet chat\/rocketchat-mongodb has persistentVolumeClaimRetentionPolicy.whenDeleted: Delete: deleting the StatefulSet \(pulumi destroy\) deletes the members' data claims/, /unset rocketchat-ha:deleteDataOnDestroy/);
    });

    it("reports a StatefulSet that deletes a removed member's claim on scale-down", async () => {
        const sts = mongoStatefulSet();
        sts.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Retain", whenScaled: "Delete" };
        assertOneViolation(await messagesOf(mongodbDataKept, [sts]), /whenScaled: Delete: scaling it down deletes/, /whenScaled: Retain/);
    });
});
