import { strict as assert } from "assert";
import { runStack } from "../tools/mockRuntime";
import { declaredWithOptions, dependsOnOf } from "./support/declaredOptions";

const isBootstrapJob = (type: string, name: string) => type === "kubernetes:batch/v1:Job" && /^rocketchat-mongodb-bootstrap-[0-9a-f]{8}$/.test(name);

describe("Rocket.Chat starts after the replica-set bootstrap", () => {
    it("prod: the Deployment waits for the bootstrap Job (users exist) before it is created or changed", async () => {
        const declared = await declaredWithOptions("prod");
        const job = declared.find((d) => isBootstrapJob(d.type, d.name));
        const deployment = declared.find((d) => d.type === "kubernetes:apps/v1:Deployment" && d.name === "rocketchat");
        assert.ok(job && deployment);
        assert.ok(dependsOnOf(deployment).includes(job.resource), "the Deployment depends on the bootstrap Job");
    });

    it("a changed bootstrap (5 members instead of 3) runs a new Job but leaves Rocket.Chat's Deployment unchanged: no restart", async () => {
        const three = await runStack("prod");
        const five = await runStack("prod", { mongodbMembers: 5 });
        const jobName = (run: typeof three) => run.resources.find((r) => isBootstrapJob(r.type, r.name))!.name;
        assert.notEqual(jobName(three), jobName(five), "the bootstrap runs again");
        const deployment = (run: typeof three) => run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "rocketchat")!.inputs;
        assert.deepEqual(deployment(five), deployment(three));
    });
});
