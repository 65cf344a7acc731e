// Policy container-resources (containerResources.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation, firstContainer } from "../testing/assertions";
import { backupCronJob, compliantObjects, messagesOf, mongoStatefulSet, rocketChatDeployment } from "../testing/fixtures";
import { containerResources } from "./containerResources";

describe("policy container-resources", () => {
    it("accepts requests and limits on every container", async () => {
        assert.deepEqual(await messagesOf(containerResources, compliantObjects()), []);
    });

    it("reports what is missing on an init container", async () => {
        const sts = mongoStatefulSet();
        sts.spec.template.spec.initContainers[0].resources = { requests: { cpu: "10m" } };
        assertOneViolation(await messagesOf(containerResources, [sts]),
            /init container install-keyfile does not set resources requests\.memory, limits\.cpu, limits\.memory\./, /MemoryLimit/);
    });

    it("names the container's field and the stack settings that size the workload, or only the field when no setting does", async () => {
        const sts = mongoStatefulSet();
        sts.spec.template.spec.initContainers[0].resources = { requests: { cpu: "10m" } };
        assertOneViolation(await messagesOf(containerResources, [sts]),
            /Fix: set spec\.template\.spec\.initContainers\[name=install-keyfile\]\.resources\.requests and \.limits for cpu and memory; the stack settings rocketchat-ha:mongodbMemoryRequest, rocketchat-ha:mongodbCpuLimit, rocketchat-ha:mongodbMemoryLimit size this workload\.$/);
        const backup = backupCronJob();
        delete firstContainer(backup).resources.limits;
        assertOneViolation(await messagesOf(containerResources, [backup]),
            /Fix: set spec\.jobTemplate\.spec\.template\.spec\.containers\[name=backup\]\.resources\.requests and \.limits for cpu and memory; the stack settings rocketchat-ha:backupCpuLimit, rocketchat-ha:backupMemoryLimit size this workload\.$/);
        const worker = rocketChatDeployment();
        worker.spec.template.metadata.labels = { "app.kubernetes.io/name": "worker" };
        delete firstContainer(worker).resources;
        const messages = await messagesOf(containerResources, [worker]);
        assertOneViolation(messages, /Fix: set spec\.template\.spec\.containers\[name=rocketchat\]\.resources\.requests and \.limits for cpu and memory\.$/);
        assert.doesNotMatch(messages[0], /rocketchat-ha:/);
    });
});
