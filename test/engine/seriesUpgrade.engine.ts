/**
 * A MongoDB series upgrade (7.0 -> 8.0) under the real engine (issue 24
 * finding 5), the way a user runs it: a stack on Rocket.Chat 7.13 (which
 * supports both series) and MongoDB 7.0, then `mongodbImage` changed.
 *
 * What only the engine shows: the order in which `pulumi up` runs the Jobs
 * against the StatefulSet's rollout (its event log), and what a stack
 * deployed before the finalize Job existed gets on the day: the next series
 * refused by preview, one `up` with the image unchanged that runs the finalize
 * Job, then the upgrade. kwok completes the Jobs' pods; no mongod runs, so
 * what the finalize script does with real members is proven against the
 * simulated replica set (test/mongodbBootstrap.test.ts).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { getJson, kubectlRaw } from "../e2e/lib/kube";
import { eventIndex, plannedSteps, typeAndName } from "./lib/engineSteps";
import { EngineProject } from "./lib/pulumiCli";
import { engineScenario } from "./lib/scenario";
import { devConfig, stackYaml } from "./lib/stacks";

const stack = "series";
const namespace = "rocketchat-series";
const mongo70 = "mongo:7.0.26";
const mongo80 = "mongo:8.0.29";

/** dev with three members on Rocket.Chat 7.13 (MongoDB 7.0 and 8.0 both supported: versionTable.ts). */
function seriesConfig(mongodbImage: string): Record<string, unknown> {
    return {
        ...devConfig(),
        "rocketchat-ha:namespace": namespace,
        "rocketchat-ha:hostname": "chat-series.example.org",
        "rocketchat-ha:schedulableNodes": 3,
        "rocketchat-ha:mongodbMembers": 3,
        "rocketchat-ha:rocketchatImage": "registry.rocket.chat/rocketchat/rocket.chat:7.13.9",
        "rocketchat-ha:mongodbImage": mongodbImage,
    };
}

/** URNs end in `<parent types>$<type>::<name>`: match the type and the name's start. */
const resourceMatcher = (type: string, name: RegExp) => (urn: string) => urn.split("$").pop()!.startsWith(`${type}::`) && name.test(urn.split("::").pop()!);
const isFinalizeJob = resourceMatcher("kubernetes:batch/v1:Job", /^rocketchat-mongodb-finalize-/);
const isStatefulSet = resourceMatcher("kubernetes:apps/v1:StatefulSet", /^rocketchat-mongodb$/);
const isGuardJob = resourceMatcher("kubernetes:batch/v1:Job", /^rocketchat-upgrade-guard-/);
const isBootstrapJob = resourceMatcher("kubernetes:batch/v1:Job", /^rocketchat-mongodb-bootstrap-/);

describe("a MongoDB series upgrade under the real engine", function () {
    const project = engineScenario({ nodePrefix: "series", nodes: 3, stacks: { [stack]: ["dev", seriesConfig(mongo70)] } });

    const deployed = async () => JSON.parse((await project.ok(["stack", "output", "deployment", "--json", "--stack", stack])).stdout);
    const memberImages = () => getJson(["pods", "-n", namespace, "-l", "app.kubernetes.io/component=database"]).items
        .map((p: any) => p.spec.containers.find((c: any) => c.name === "mongod")?.image);
    const upWith = async (mongodbImage: string, events: string) => {
        project.writeStackFile(stack, stackYaml(seriesConfig(mongodbImage)));
        await project.ok(["up", "--stack", stack, "--yes", "--skip-preview", "--event-log", project.eventLog(events)]);
        return EngineProject.readEvents(project.eventLog(events));
    };

    it("1. MongoDB 7.0 deployed: the finalize Job ran after the StatefulSet, the record holds featureCompatibilityVersion 7.0", async function () {
        const log = await upWith(mongo70, "series-1");
        const finalizeStarts = eventIndex(log, "resourcePreEvent", isFinalizeJob);
        const rolled = eventIndex(log, "resOutputsEvent", isStatefulSet);
        const bootstrapped = eventIndex(log, "resOutputsEvent", isBootstrapJob);
        assert.ok(rolled >= 0 && bootstrapped >= 0, `the StatefulSet (${rolled}) and the bootstrap (${bootstrapped}) in the event log`);
        assert.ok(finalizeStarts > rolled, `finalize (${finalizeStarts}) after the StatefulSet (${rolled})`);
        assert.ok(finalizeStarts > bootstrapped, `finalize (${finalizeStarts}) after the bootstrap (${bootstrapped})`);
        const record = await deployed();
        assert.equal(record.mongodbVersion, "7.0.26");
        assert.equal(record.featureCompatibilityVersion, "7.0");
    });

    it("2. a stack from before the finalize Job (no finalize Job, no FCV in its record): preview refuses 8.0, naming the run that finishes it", async function () {
        // The state such a stack has: the same resources without the finalize Job, a record without the FCV.
        const state = JSON.parse((await project.ok(["stack", "export", "--stack", stack])).stdout);
        const finalize = state.deployment.resources.find((r: any) => isFinalizeJob(r.urn));
        assert.ok(finalize, "the finalize Job is in the state");
        state.deployment.resources = state.deployment.resources.filter((r: any) => r !== finalize);
        const stackResource = state.deployment.resources.find((r: any) => r.type === "pulumi:pulumi:Stack");
        delete stackResource.outputs.deployment.featureCompatibilityVersion;
        const file = path.join(path.dirname(project.dir), "old-program-state.json");
        fs.writeFileSync(file, JSON.stringify(state));
        await project.ok(["stack", "import", "--stack", stack, "--file", file]);
        assert.equal(kubectlRaw(["-n", namespace, "delete", "job", finalize.urn.split("::").pop()]).code, 0);

        project.writeStackFile(stack, stackYaml(seriesConfig(mongo80)));
        const preview = await project.run(["preview", "--stack", stack]);
        assert.notEqual(preview.code, 0, "preview refuses");
        assert.match(preview.stdout + preview.stderr, /MongoDB 7\.0 -> 8\.0 needs the replica set's featureCompatibilityVersion at 7\.0, and it was never recorded/);
        assert.match(preview.stdout + preview.stderr, /Run pulumi up once with mongodbImage unchanged \(7\.0\.26\)/);
        const up = await project.run(["up", "--stack", stack, "--yes", "--skip-preview"]);
        assert.notEqual(up.code, 0, "up refuses too");
        assert.deepEqual([...new Set(memberImages())], [mongo70], "no member changed");
    });

    it("3. `pulumi up` with the image unchanged runs the finalize Job (created, nothing else changes) and records the FCV", async function () {
        project.writeStackFile(stack, stackYaml(seriesConfig(mongo70)));
        const changes = (await plannedSteps(project, stack)).filter((s) => s.op !== "same" && s.op !== "read").map((s) => `${s.op} ${typeAndName(s.urn)}`);
        assert.equal(changes.length, 1, `one step: ${changes.join(", ")}`);
        assert.match(changes[0], /^create kubernetes:batch\/v1:Job::rocketchat-mongodb-finalize-/);
        await upWith(mongo70, "series-3");
        assert.equal((await deployed()).featureCompatibilityVersion, "7.0");
    });

    it("4. MongoDB 8.0: guard, then the members roll, then the finalize Job; the record holds 8.0 and the FCV 8.0", async function () {
        const log = await upWith(mongo80, "series-4");
        const guardDone = eventIndex(log, "resOutputsEvent", isGuardJob);
        const rollStarts = eventIndex(log, "resourcePreEvent", isStatefulSet);
        const rolled = eventIndex(log, "resOutputsEvent", isStatefulSet);
        const finalizeStarts = eventIndex(log, "resourcePreEvent", isFinalizeJob);
        assert.ok(guardDone >= 0 && rollStarts > guardDone, `the guard completes before the StatefulSet changes (${guardDone} < ${rollStarts})`);
        assert.ok(eventIndex(log, "resourcePreEvent", isBootstrapJob) > guardDone, "the bootstrap starts after the guard: one owner of reconfigs");
        assert.ok(rolled >= 0 && finalizeStarts > rolled, `the finalize Job starts only after the provider saw the rollout complete (${rolled} < ${finalizeStarts})`);
        assert.deepEqual([...new Set(memberImages())], [mongo80], "every member runs 8.0");
        const record = await deployed();
        assert.equal(record.mongodbVersion, "8.0.29");
        assert.equal(record.featureCompatibilityVersion, "8.0");
        const finalizeJobs = getJson(["jobs", "-n", namespace, "-l", "app.kubernetes.io/component=database-finalize"]).items;
        assert.equal(finalizeJobs.length, 1, "the 7.0 finalize Job was replaced by the 8.0 one");
        assert.ok((finalizeJobs[0].status.succeeded ?? 0) >= 1);
    });
});
