// The words of docs/changes.md from made-up runs, in milliseconds: what a
// refusal's line says, which steps restart pods or run Jobs, and a row of
// each outcome. test/everySettingChange.test.ts checks the file against the
// real sweep.
import { strict as assert } from "assert";
import { ConfigError } from "../components/config";
import { changeRow, headingAnchor } from "../tools/changesDoc";
import { changeEffects } from "../tools/transitions/changeEffects";
import type { PlannedStep, StepOp } from "../tools/transitions/plannedSteps";
import { firstSentence, refusalReason } from "../tools/transitions/refusalReason";
import type { ResourceChange, SettingChangeRun } from "../tools/transitions/settingSweep";

const deploymentType = "kubernetes:apps/v1:Deployment";

function change(resource: string, op: StepOp, before?: any, after?: any, extra: Partial<ResourceChange> = {}): ResourceChange {
    const step: PlannedStep = { resource, op, reasons: [] };
    return { step, before, after, custom: true, retainOnDelete: false, ...extra };
}

const rocketchat = (image: string, replicas: number) => ({
    metadata: { name: "rocketchat", labels: { "app.kubernetes.io/name": "rocketchat" } },
    spec: { replicas, template: { spec: { containers: [{ image }] } } },
});

function refusedWith(message: string, name = "UpgradeRefused"): any {
    return Object.assign(new Error(message), { name });
}

describe("docs/changes.md words", () => {
    describe("a refusal's line", () => {
        const message = "Upgrade refused before anything changed (deployed: ...):\n" +
            "  - rocketchat-ha:clusterDomain = \"a.svc: b\": the members are known as x.svc.cluster.local:27017. Set it back (docs/moving-data.md, \"Growing the MongoDB volumes\")\n" +
            "  - rocketchat-ha:mongodbDatabase = \"chat\": the data is in 'rocketchat'. See README, \"Switching the platform or the sign-in\"";

        it("is the changed setting's, past a value holding ': '", () => {
            const reason = refusalReason("mongodbDatabase", message)!;
            assert.equal(reason.named, "mongodbDatabase");
            assert.equal(reason.reason, "the data is in 'rocketchat'. See README, \"Switching the platform or the sign-in\"");
            assert.deepEqual(reason.references, [{ file: "README.md", section: "Switching the platform or the sign-in" }]);
            assert.equal(refusalReason("clusterDomain", message)!.reason.startsWith("the members are known"), true);
        });

        it("is the first one when the change shows through another setting (a namespace move)", () => {
            assert.equal(refusalReason("namespace", message)!.named, "clusterDomain");
        });

        it("reads a ConfigError the same way", () => {
            const error = new ConfigError(["rocketchat-ha:fixedUids = false: must be true on Kubernetes"]);
            assert.deepEqual(refusalReason("fixedUids", error.message), { named: "fixedUids", reason: "must be true on Kubernetes", references: [] });
        });

        it("is quoted to its first full stop, not a dot inside a name or version", () => {
            assert.equal(firstSentence("known as x.svc.cluster.local:27017 on 8.0.29. Set it back."), "known as x.svc.cluster.local:27017 on 8.0.29.");
            assert.equal(firstSentence("no full stop"), "no full stop");
        });
    });

    describe("a plan's effects", () => {
        it("a pod template change restarts the workload's pods; a replica count does not", () => {
            const restarted = changeEffects([change(`${deploymentType}::rocketchat`, "update", rocketchat("a", 2), rocketchat("b", 2))]);
            assert.deepEqual(restarted.restarts, [{ workload: "Deployment/rocketchat", app: "rocketchat", strategy: "RollingUpdate" }]);
            assert.deepEqual(changeEffects([change(`${deploymentType}::rocketchat`, "update", rocketchat("a", 2), rocketchat("a", 3))]).restarts, []);
        });

        it("a Job under a new name runs; the Job it follows is not reported as a deletion", () => {
            const effects = changeEffects([
                change("kubernetes:batch/v1:Job::rocketchat-channels-6c759bd3", "create"),
                change("kubernetes:batch/v1:Job::rocketchat-channels-7b395fbc", "delete"),
                change("kubernetes:batch/v1:Job::rocketchat-restore-045a02aa08", "delete"),
            ]);
            assert.deepEqual(effects.jobRuns, ["rocketchat-channels"]);
            assert.deepEqual(effects.deleted, ["Job/rocketchat-restore-045a02aa08"]);
        });

        it("a retained object leaves the stack but stays in the cluster; components are left out", () => {
            const effects = changeEffects([
                change("kubernetes:core/v1:PersistentVolumeClaim::rocketchat-backup", "delete", {}, undefined, { retainOnDelete: true }),
                change("rocketchat-ha:backup:BackupStorage::rocketchat", "delete", {}, undefined, { custom: false }),
            ]);
            assert.deepEqual(effects.keptInCluster, ["PersistentVolumeClaim/rocketchat-backup"]);
            assert.deepEqual(effects.deleted, []);
        });
    });

    describe("a row", () => {
        const noDocs = () => "";
        const run = (outcome: SettingChangeRun["outcome"]): SettingChangeRun => ({ setting: "mongodbDatabase", change: { mongodbDatabase: "chat" }, outcome });

        it("of a refusal quotes its first sentence and links the document it names", () => {
            const error = refusedWith("Upgrade refused:\n  - rocketchat-ha:mongodbDatabase = \"chat\": the data is in 'rocketchat'. Restore instead (docs/moving-data.md)");
            const row = changeRow(run({ kind: "threw", error }), noDocs);
            assert.equal(row.outcome, "refused: the data is in 'rocketchat'. See [docs/moving-data.md](moving-data.md).");
            assert.equal(row.tried, "`mongodbDatabase = \"chat\"`");
        });

        it("of a refusal naming a section that the document lacks is not written", () => {
            const error = refusedWith("Upgrade refused:\n  - rocketchat-ha:mongodbDatabase = \"chat\": no. See (README, \"No such heading\")");
            assert.throws(() => changeRow(run({ kind: "threw", error }), () => "# Title\n## Other\n"), /no such heading/);
        });

        it("of a crash is not written", () => {
            assert.throws(() => changeRow(run({ kind: "threw", error: new TypeError("x is undefined") }), noDocs), /failed without a refusal/);
        });

        it("of an empty plan is no change; of updates only, in place", () => {
            assert.equal(changeRow(run({ kind: "planned", steps: [], changes: [] }), noDocs).outcome, "no change");
            const update = change("kubernetes:networking.k8s.io/v1:Ingress::rocketchat", "update", {}, {});
            const row = changeRow(run({ kind: "planned", steps: [update.step], changes: [update] }), noDocs);
            assert.deepEqual([row.outcomeClass, row.objects], ["in place (no restart)", "updates Ingress/rocketchat"]);
        });

        it("links a heading by GitHub's anchor", () => {
            assert.equal(headingAnchor("Changes a running stack refuses, and what to do instead"), "changes-a-running-stack-refuses-and-what-to-do-instead");
        });
    });
});
