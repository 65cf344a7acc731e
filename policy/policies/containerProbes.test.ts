// Policy container-probes (containerProbes.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation, firstContainer } from "../testing/assertions";
import { compliantObjects, messagesOf, mongoStatefulSet, rocketChatDeployment } from "../testing/fixtures";
import { containerProbes } from "./containerProbes";

describe("policy container-probes", () => {
    it("accepts the compliant workloads and exempts CronJobs and init containers", async () => {
        assert.deepEqual(await messagesOf(containerProbes, compliantObjects()), []);
    });

    it("reports a missing readiness probe", async () => {
        const sts = mongoStatefulSet();
        delete firstContainer(sts).readinessProbe;
        assertOneViolation(await messagesOf(containerProbes, [sts]), /container mongod has no readinessProbe\./, /hello\(\) primary-or-secondary/);
    });

    it("requires a startup probe on Rocket.Chat but not on other Deployments", async () => {
        const chat = rocketChatDeployment();
        delete firstContainer(chat).startupProbe;
        const other = rocketChatDeployment();
        other.metadata.name = "worker";
        other.spec.template.metadata.labels = { "app.kubernetes.io/name": "worker" };
        delete firstContainer(other).startupProbe;
        assertOneViolation(await messagesOf(containerProbes, [chat, other]), /Deployment chat\/rocketchat, container rocketchat has no startupProbe/);
    });
});
