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
        assert.ok((await dependsOnOf(deployment)).includes(job.resource), "the Deployment depends on the bootstrap Job");
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

describe("children wait for what their component waits for (Pulumi does not pass a component's dependsOn on)", () => {
    it("prod: every Kubernetes object in the namespace waits for the namespace; the backup CronJobs and the exporter also for the bootstrap", async () => {
        const declared = await declaredWithOptions("prod", { monitoringEnabled: true });
        const namespace = declared.find((d) => d.type === "kubernetes:core/v1:Namespace")!;
        const bootstrap = declared.find((d) => isBootstrapJob(d.type, d.name))!;
        for (const d of declared.filter((x) => x.type.startsWith("kubernetes:") && x !== namespace && x.type !== "kubernetes:core/v1:Namespace")) {
            assert.ok((await dependsOnOf(d)).includes(namespace.resource), `${d.type} ${d.name} waits for the namespace`);
        }
        for (const d of declared.filter((x) => x.type === "kubernetes:batch/v1:CronJob" || (x.type === "kubernetes:apps/v1:Deployment" && x.name.includes("exporter")))) {
            assert.ok((await dependsOnOf(d)).includes(bootstrap.resource), `${d.type} ${d.name} waits for the bootstrap (its user exists)`);
        }
    });
});

describe("the upgrade guard Job comes before both workloads", () => {
    it("with a previous run recorded, the StatefulSet and the Deployment wait for the guard Job; the Deployment also for the bootstrap", async () => {
        const previous = { rocketchatVersion: "8.5.1", mongodbVersion: "8.0.29", replicaSetName: "rs0", memberHosts: ["a.b:27017"] };
        const declared = await declaredWithOptions("prod", {}, previous);
        const guard = declared.find((d) => d.type === "kubernetes:batch/v1:Job" && d.name.startsWith("rocketchat-upgrade-guard-"));
        const sts = declared.find((d) => d.type === "kubernetes:apps/v1:StatefulSet");
        const deployment = declared.find((d) => d.type === "kubernetes:apps/v1:Deployment" && d.name === "rocketchat");
        assert.ok(guard && sts && deployment);
        assert.ok((await dependsOnOf(sts)).includes(guard.resource), "StatefulSet after the guard");
        assert.ok((await dependsOnOf(deployment)).includes(guard.resource), "Deployment after the guard");
    });

    it("a first install has no guard Job, and nothing waits for one", async () => {
        const declared = await declaredWithOptions("prod");
        assert.ok(!declared.some((d) => d.name.startsWith("rocketchat-upgrade-guard")));
        const sts = declared.find((d) => d.type === "kubernetes:apps/v1:StatefulSet")!;
        // Only the namespace it lives in, which the replica set component hands on to its children.
        assert.deepEqual((await dependsOnOf(sts)).map((r: any) => r.__pulumiType), ["kubernetes:core/v1:Namespace"]);
    });
});
