/**
 * Ordering (dependsOn) and secrecy are Pulumi's business: they live in the
 * components' options, not in the objects the builders return, so they are
 * seen only where the engine sees them. This file keeps the ONE mock-runtime
 * check of the Rocket.Chat area: two platform runs of prod (a first install,
 * and an upgrade with a previous run recorded and 5 members), whose recorded
 * options every test below reads. Everything else is checked on the builders.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { declaredWithOptions, DeclaredWithOptions, dependsOnOf } from "./support/declaredOptions";
import { rocketchatBuild } from "./support/rocketchatBuild";

const isBootstrapJob = (type: string, name: string) => type === "kubernetes:batch/v1:Job" && /^rocketchat-mongodb-bootstrap-[0-9a-f]{8}$/.test(name);
const previous = { rocketchatVersion: "8.5.1", mongodbVersion: "8.0.29", replicaSetName: "rs0", memberHosts: ["a.b:27017"] };

describe("Rocket.Chat's order and secrets as the engine sees them (prod, mock runtime)", function () {
    this.timeout(120_000);
    let firstInstall: DeclaredWithOptions[];
    let upgrade: DeclaredWithOptions[];
    const find = (declared: DeclaredWithOptions[], match: (d: DeclaredWithOptions) => boolean) => declared.find(match);
    const deploymentOf = (declared: DeclaredWithOptions[]) => find(declared, (d) => d.type === "kubernetes:apps/v1:Deployment" && d.name === "rocketchat");
    const bootstrapOf = (declared: DeclaredWithOptions[]) => find(declared, (d) => isBootstrapJob(d.type, d.name));

    before(async () => {
        // Monitoring on in both, so the exporter is declared and the runs differ only by the previous record and the member count.
        firstInstall = await declaredWithOptions("prod", { monitoringEnabled: true });
        upgrade = await declaredWithOptions("prod", { monitoringEnabled: true, mongodbMembers: 5 }, previous);
    });

    describe("Rocket.Chat starts after the replica-set bootstrap", () => {
        it("prod: the Deployment waits for the bootstrap Job (users exist) before it is created or changed", async () => {
            const job = bootstrapOf(firstInstall);
            const deployment = deploymentOf(firstInstall);
            assert.ok(job && deployment);
            assert.ok((await dependsOnOf(deployment)).includes(job.resource), "the Deployment depends on the bootstrap Job");
        });

        it("a changed bootstrap (5 members instead of 3) runs a new Job but leaves Rocket.Chat's Deployment unchanged: no restart", () => {
            assert.notEqual(bootstrapOf(firstInstall)!.name, bootstrapOf(upgrade)!.name, "the bootstrap runs again");
            // The Deployment as built, config checksum included, is the same for both member counts.
            assert.deepEqual(rocketchatBuild("prod", { mongodbMembers: 5 }).objects.deployment, rocketchatBuild("prod").objects.deployment);
        });
    });

    describe("children wait for what their component waits for (Pulumi does not pass a component's dependsOn on)", () => {
        it("prod: every Kubernetes object in the namespace waits for the namespace; the backup CronJobs and the exporter also for the bootstrap", async () => {
            const namespace = firstInstall.find((d) => d.type === "kubernetes:core/v1:Namespace")!;
            const bootstrap = bootstrapOf(firstInstall)!;
            for (const d of firstInstall.filter((x) => x.type.startsWith("kubernetes:") && x !== namespace && x.type !== "kubernetes:core/v1:Namespace")) {
                assert.ok((await dependsOnOf(d)).includes(namespace.resource), `${d.type} ${d.name} waits for the namespace`);
            }
            for (const d of firstInstall.filter((x) => x.type === "kubernetes:batch/v1:CronJob" || (x.type === "kubernetes:apps/v1:Deployment" && x.name.includes("exporter")))) {
                assert.ok((await dependsOnOf(d)).includes(bootstrap.resource), `${d.type} ${d.name} waits for the bootstrap (its user exists)`);
            }
        });

        it("the autoscaler waits for the Deployment it scales, the Ingress for the Service it routes to", async () => {
            const hpa = find(firstInstall, (d) => d.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" && d.name === "rocketchat")!;
            const ingress = find(firstInstall, (d) => d.type === "kubernetes:networking.k8s.io/v1:Ingress" && d.name === "rocketchat")!;
            const service = find(firstInstall, (d) => d.type === "kubernetes:core/v1:Service" && d.name === "rocketchat")!;
            assert.ok((await dependsOnOf(hpa)).includes(deploymentOf(firstInstall)!.resource));
            assert.ok((await dependsOnOf(ingress)).includes(service.resource));
        });
    });

    describe("the upgrade guard Job comes before both workloads", () => {
        it("with a previous run recorded, the StatefulSet and the Deployment wait for the guard Job; the Deployment also for the bootstrap", async () => {
            const guard = upgrade.find((d) => d.type === "kubernetes:batch/v1:Job" && d.name.startsWith("rocketchat-upgrade-guard-"));
            const sts = upgrade.find((d) => d.type === "kubernetes:apps/v1:StatefulSet");
            const deployment = deploymentOf(upgrade);
            assert.ok(guard && sts && deployment);
            assert.ok((await dependsOnOf(sts)).includes(guard.resource), "StatefulSet after the guard");
            assert.ok((await dependsOnOf(deployment)).includes(guard.resource), "Deployment after the guard");
            assert.ok((await dependsOnOf(deployment)).includes(bootstrapOf(upgrade)!.resource), "Deployment after the bootstrap");
        });

        it("a first install has no guard Job, and nothing waits for one", async () => {
            assert.ok(!firstInstall.some((d) => d.name.startsWith("rocketchat-upgrade-guard")));
            const sts = firstInstall.find((d) => d.type === "kubernetes:apps/v1:StatefulSet")!;
            // Only the namespace it lives in, which the replica set component hands on to its children.
            assert.deepEqual((await dependsOnOf(sts)).map((r: any) => r.__pulumiType), ["kubernetes:core/v1:Namespace"]);
        });
    });

    describe("the Keycloak client secret", () => {
        it("enters the oauth Secret as a Pulumi secret (encrypted in the state), never the Deployment", async () => {
            const oauth = find(firstInstall, (d) => d.type === "kubernetes:core/v1:Secret" && d.name === "rocketchat-oauth")!;
            const value = oauth.props.stringData["client-secret"];
            assert.ok(pulumi.Output.isInstance(value), "the client's generated secret, an Output");
            assert.equal(await pulumi.isSecret(value), true);
        });
    });
});
