// Policy mongodb-backup-scheduled (mongodbBackupScheduled.ts) on synthetic objects: a stack policy relates several objects, so each case edits one object of the compliant synthetic stack.
import { strict as assert } from "assert";
import { assertOneViolation, stackWith } from "../testing/assertions";
import { compliantObjects, messagesOf } from "../testing/fixtures";
import { mongodbBackupScheduled } from "./mongodbBackupScheduled";

describe("policy mongodb-backup-scheduled", () => {
    it("accepts a backup CronJob in MongoDB's namespace", async () => {
        assert.deepEqual(await messagesOf(mongodbBackupScheduled, compliantObjects()), []);
    });

    it("reports a stack without one", async () => {
        assertOneViolation(await messagesOf(mongodbBackupScheduled, stackWith({ "CronJob/rocketchat-backup": null })),
            /StatefulSet chat\/rocketchat-mongodb has no backup CronJob \(label app\.kubernetes\.io\/component=backup\)/, /backupEnabled=true/);
    });

    it("reports a suspended backup", async () => {
        const objects = compliantObjects();
        const cronJob = objects.find((object) => object.kind === "CronJob")!;
        cronJob.spec.suspend = true;
        assertOneViolation(await messagesOf(mongodbBackupScheduled, objects), /backup CronJob rocketchat-backup is suspended/);
    });

    it("accepts the pause while a restore Job runs in the namespace, and only there (issue 25)", async () => {
        const restoreJob = (namespace: string) => ({
            apiVersion: "batch/v1", kind: "Job", metadata: { name: "rocketchat-restore-1", namespace, labels: { "app.kubernetes.io/component": "restore" } },
            spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "restore", image: "mongo:8.0.29" }] } } },
        });
        const objects = compliantObjects();
        const cronJob = objects.find((object) => object.kind === "CronJob")!;
        cronJob.spec.suspend = true;
        const namespace = cronJob.metadata.namespace;
        assert.deepEqual(await messagesOf(mongodbBackupScheduled, [...objects, restoreJob(namespace)]), []);
        assertOneViolation(await messagesOf(mongodbBackupScheduled, [...objects, restoreJob("elsewhere")]), /is suspended/);
    });
});
