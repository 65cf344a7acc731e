// Policy pinned-images (pinnedImages.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation, firstContainer } from "../testing/assertions";
import { backupCronJob, compliantObjects, messagesOf, mongoStatefulSet, rocketChatDeployment } from "../testing/fixtures";
import { pinnedImages } from "./pinnedImages";

describe("policy pinned-images", () => {
    it("accepts exact tags and digests", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).image = `registry.example.org:5000/rocket.chat@sha256:${"a".repeat(64)}`;
        assert.deepEqual(await messagesOf(pinnedImages, [...compliantObjects(), deployment]), []);
    });

    it("reports an image without a tag, naming the container", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).image = "registry.rocket.chat/rocketchat/rocket.chat";
        assertOneViolation(await messagesOf(pinnedImages, [deployment]),
            /container rocketchat uses image 'registry\.rocket\.chat\/rocketchat\/rocket\.chat' without a tag/, /rocket\.chat:8\.5\.1/);
    });

    it("reports latest, and treats a registry port as no tag", async () => {
        const sts = mongoStatefulSet();
        sts.spec.template.spec.initContainers[0].image = "mongo:latest";
        firstContainer(sts).image = "registry.example.org:5000/mongo";
        const messages = await messagesOf(pinnedImages, [sts]);
        assert.equal(messages.length, 2);
        assert.match(messages[0], /init container install-keyfile uses image 'mongo:latest' tagged 'latest'/);
        assert.match(messages[1], /container mongod uses image 'registry\.example\.org:5000\/mongo' without a tag/);
    });

    it("reports floating major or major.minor tags (issue 17)", async () => {
        const sts = mongoStatefulSet();
        firstContainer(sts).image = "mongo:8.0";
        sts.spec.template.spec.initContainers[0].image = "mongo:8.0.29-noble";
        assertOneViolation(await messagesOf(pinnedImages, [sts]), /container mongod uses image 'mongo:8\.0' whose tag '8\.0' is not an exact major\.minor\.patch version/);
    });

    it("checks CronJob pods too", async () => {
        const cronJob = backupCronJob();
        firstContainer(cronJob).image = "mongo";
        assertOneViolation(await messagesOf(pinnedImages, [cronJob]), /CronJob chat\/rocketchat-backup, container backup uses image 'mongo' without a tag/);
    });
});
