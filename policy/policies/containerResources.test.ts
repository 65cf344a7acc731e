// Policy container-resources (containerResources.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation } from "../testing/assertions";
import { compliantObjects, messagesOf, mongoStatefulSet } from "../testing/fixtures";
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
});
