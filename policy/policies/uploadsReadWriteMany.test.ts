// Policy uploads-read-write-many (uploadsReadWriteMany.ts) on synthetic objects: a stack policy relates several objects, so each case edits one object of the compliant synthetic stack.
import { strict as assert } from "assert";
import { assertOneViolation, stackWith } from "../testing/assertions";
import { compliantObjects, messagesOf, rocketChatDeployment, runPolicy, uploadsClaim } from "../testing/fixtures";
import { uploadsReadWriteMany } from "./uploadsReadWriteMany";

describe("policy uploads-read-write-many", () => {
    it("accepts a ReadWriteMany uploads claim shared by three replicas", async () => {
        assert.deepEqual(await messagesOf(uploadsReadWriteMany, compliantObjects()), []);
    });

    it("reports a ReadWriteOnce uploads claim, found through the Deployment's volume, on the claim", async () => {
        const violations = await runPolicy(uploadsReadWriteMany, stackWith({ "PersistentVolumeClaim/rocketchat-uploads": uploadsClaim(["ReadWriteOnce"]) }));
        assertOneViolation(violations.map((v) => v.message),
            /Deployment chat\/rocketchat runs up to 3 pods that mount claim rocketchat-uploads at \/app\/uploads, but its accessModes are \[ReadWriteOnce\]/,
            /uploadsAccessMode=ReadWriteMany/);
        assert.match(violations[0].resource ?? "", /PersistentVolumeClaim::rocketchat-uploads$/);
    });

    it("counts the autoscaler's maximum: one replica that may scale to three still needs ReadWriteMany", async () => {
        const messages = await messagesOf(uploadsReadWriteMany, stackWith({
            "Deployment/rocketchat": rocketChatDeployment(1),
            "PersistentVolumeClaim/rocketchat-uploads": uploadsClaim(["ReadWriteOnce"]),
        }));
        assertOneViolation(messages, /runs up to 3 pods/);
    });

    it("accepts ReadWriteOnce for a single replica without an autoscaler", async () => {
        const messages = await messagesOf(uploadsReadWriteMany, stackWith({
            "Deployment/rocketchat": rocketChatDeployment(1),
            "HorizontalPodAutoscaler/rocketchat": null,
            "PersistentVolumeClaim/rocketchat-uploads": uploadsClaim(["ReadWriteOnce"]),
        }));
        assert.deepEqual(messages, []);
    });

    it("reports a claim the stack does not declare", async () => {
        assertOneViolation(await messagesOf(uploadsReadWriteMany, stackWith({ "PersistentVolumeClaim/rocketchat-uploads": null })),
            /claim rocketchat-uploads, which this stack does not declare/);
    });

    it("reports FileSystem uploads with no shared claim at the uploads path", async () => {
        const deployment = rocketChatDeployment();
        const spec = deployment.spec.template.spec;
        spec.volumes = [{ name: "uploads", emptyDir: {} }];
        assertOneViolation(await messagesOf(uploadsReadWriteMany, stackWith({ "Deployment/rocketchat": deployment })),
            /stores uploads on the FileSystem at \/app\/uploads with up to 3 pods, but no shared claim is mounted there/);
    });

    it("accepts GridFS storage without a volume", async () => {
        const deployment = rocketChatDeployment();
        const container = deployment.spec.template.spec.containers[0];
        container.env = container.env.map((e: any) => (e.name === "OVERWRITE_SETTING_FileUpload_Storage_Type" ? { ...e, value: "GridFS" } : e));
        container.volumeMounts = [];
        deployment.spec.template.spec.volumes = [];
        assert.deepEqual(await messagesOf(uploadsReadWriteMany, stackWith({ "Deployment/rocketchat": deployment, "PersistentVolumeClaim/rocketchat-uploads": null })), []);
    });
});
