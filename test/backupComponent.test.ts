/**
 * Resource options of the backup component (retainOnDelete, dependsOn,
 * ignoreChanges, customTimeouts): Pulumi's business, which no builder and no
 * rendered object shows and the mock monitor never receives. So these tests
 * keep the mock runtime: the component alone is declared and its resources
 * recorded with a transformation. What the objects contain is tested on the
 * builders (test/backupStack.test.ts).
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { MongoBackupsArgs } from "../components/backup/backups";

interface Declared {
    readonly type: string;
    readonly name: string;
    readonly props: any;
    readonly opts: pulumi.CustomResourceOptions;
}

const baseArgs: MongoBackupsArgs = {
    namespace: "ns",
    image: "mongo:8.0.29",
    mongodb: { hosts: ["m-0:27017"], replicaSetName: "rs0", clientLabels: { client: "yes" } },
    credentials: { secretName: "users", usernameKey: "backup-username", passwordKey: "backup-password" },
    restoreCredentials: { secretName: "users", usernameKey: "restore-username", passwordKey: "restore-password" },
    appDatabase: "rocketchat",
    // Everything else takes its documented default.
};

/** Declares MongoBackups under mocks and returns every resource with its options. */
async function declare(overrides: Partial<MongoBackupsArgs>): Promise<Declared[]> {
    const seen: Declared[] = [];
    await pulumi.runtime.setMocks({
        newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
        call: (a) => a.inputs,
    }, "rocketchat-ha", "unit", false);
    // Loaded after setMocks, as the program must be (see DESIGN.md).
    const { MongoBackups } = require("../components/backup/backups") as typeof import("../components/backup/backups");
    await pulumi.runtime.runInPulumiStack(async () => {
        new MongoBackups("rocketchat", { ...baseArgs, ...overrides }, {
            transformations: [(a) => {
                seen.push({ type: a.type, name: a.name, props: a.props, opts: a.opts });
                return undefined;
            }],
        });
    });
    return seen;
}

const byType = (all: Declared[], type: string) => all.filter((d) => d.type === type);

describe("backup component options", () => {
    it("retains a created backup claim on destroy unless backupDeleteClaimOnDestroy opts in", async () => {
        const [kept] = byType(await declare({}), "kubernetes:core/v1:PersistentVolumeClaim");
        assert.equal(kept.opts.retainOnDelete, true);
        const [deleted] = byType(await declare({ deleteClaimOnDestroy: true }), "kubernetes:core/v1:PersistentVolumeClaim");
        assert.equal(deleted.opts.retainOnDelete, false);
        assert.deepEqual(byType(await declare({ existingClaimName: "nfs" }), "kubernetes:core/v1:PersistentVolumeClaim"), []);
    });

    it("a restore waits for the suspended schedules and what it is told to wait for, and never re-runs on a template change", async () => {
        const stopped = new pulumi.ComponentResource("test:index:Stopped", "rocketchat-stopped");
        const all = await declare({ restoreArchive: "rocketchat-20261128T021500Z.archive.gz", restoreDependsOn: [stopped] });
        // The Job itself must carry the order: Pulumi does not pass a component's dependsOn on to its children.
        const [job] = byType(all, "kubernetes:batch/v1:Job");
        const dependsOn = job.opts.dependsOn as pulumi.Resource[];
        assert.ok(dependsOn.includes(stopped), "Rocket.Chat is stopped first");
        assert.ok(dependsOn.some((r) => r instanceof pulumi.ComponentResource && (r as any).__pulumiType === "rocketchat-ha:backup:BackupSchedules"));
        assert.deepEqual(job.opts.ignoreChanges, ["spec"]);
        assert.ok(job.opts.customTimeouts?.create, "pulumi up waits for the restore");
    });

    it("every CronJob itself waits for the scripts and the replica set's bootstrap", async () => {
        const ready = new pulumi.ComponentResource("test:index:Bootstrap", "rocketchat-bootstrap");
        const all = await declare({ mongodbReady: ready });
        const cronJobs = byType(all, "kubernetes:batch/v1:CronJob");
        assert.equal(cronJobs.length, 2);
        for (const cronJob of cronJobs) {
            const dependsOn = cronJob.opts.dependsOn as pulumi.Resource[];
            assert.ok(dependsOn.includes(ready), `${cronJob.name} waits for the bootstrap`);
            assert.ok(dependsOn.some((r) => (r as any).__pulumiType === "kubernetes:core/v1:ConfigMap"), `${cronJob.name} waits for its scripts`);
        }
    });

});
