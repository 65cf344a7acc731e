// Policy mongodb-replica-set-members (mongodbMembers.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation } from "../testing/assertions";
import { backupScripts, compliantObjects, messagesOf, mongoStatefulSet } from "../testing/fixtures";
import { mongodbMembers } from "./mongodbMembers";

describe("policy mongodb-replica-set-members", () => {
    it("accepts three members", async () => {
        assert.deepEqual(await messagesOf(mongodbMembers, compliantObjects()), []);
    });

    it("reports an even member count", async () => {
        assertOneViolation(await messagesOf(mongodbMembers, [mongoStatefulSet(4)]), /runs 4 members; an even count/, /mongodbMembers to an odd number \(3 or 5\)/);
    });

    it("reports fewer members than minMembers, which policy config sets", async () => {
        assertOneViolation(await messagesOf(mongodbMembers, [mongoStatefulSet(1)]), /runs 1 member\(s\); this stack requires at least 3/);
        assert.deepEqual(await messagesOf(mongodbMembers, [mongoStatefulSet(1)], { minMembers: 1 }), []);
        assertOneViolation(await messagesOf(mongodbMembers, [mongoStatefulSet(3)], { minMembers: 5 }), /requires at least 5/, /mongodbMembers to 5 or more/);
    });

    it("reports a bootstrap script that adds an arbiter", async () => {
        const scripts = backupScripts();
        scripts.data["bootstrap.js"] = "rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'a' }, { _id: 1, host: 'b' }, { _id: 2, host: 'c', arbiterOnly: true }] });";
        assertOneViolation(await messagesOf(mongodbMembers, [scripts]), /ConfigMap chat\/rocketchat-backup-scripts adds a MongoDB arbiter/, /remove the arbiter/);
    });

    it("reports a container command that adds an arbiter", async () => {
        const sts = mongoStatefulSet();
        sts.spec.template.spec.initContainers[0].command = ["mongosh", "--eval", "rs.addArb('arbiter-0:27017')"];
        assertOneViolation(await messagesOf(mongodbMembers, [sts]), /StatefulSet chat\/rocketchat-mongodb adds a MongoDB arbiter/);
    });
});
