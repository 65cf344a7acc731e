/**
 * A change of the replica set re-runs its bootstrap without restarting
 * Rocket.Chat. The order itself (Rocket.Chat after the bootstrap and the
 * upgrade guard, children after the namespace) is Pulumi's business and is
 * checked where the engine sees it: test/program.test.ts.
 */
import { strict as assert } from "assert";
import { mongodbObjects } from "./support/mongodbObjects";
import { rocketchatBuild } from "./support/rocketchatBuild";

describe("Rocket.Chat across a replica-set change", () => {
    it("a changed bootstrap (5 members instead of 3) runs a new Job but leaves Rocket.Chat's Deployment unchanged: no restart", () => {
        const jobName = (overrides: Record<string, unknown>) => mongodbObjects("prod", overrides).replicaSet.bootstrap.job.metadata.name;
        assert.match(jobName({}), /^rocketchat-mongodb-bootstrap-[0-9a-f]{8}$/);
        assert.notEqual(jobName({ mongodbMembers: 5 }), jobName({}), "the bootstrap runs again");
        // The Deployment as built, config checksum included, is the same for both member counts.
        assert.deepEqual(rocketchatBuild("prod", { mongodbMembers: 5 }).objects.deployment, rocketchatBuild("prod").objects.deployment);
    });
});
