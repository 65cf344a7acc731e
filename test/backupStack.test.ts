/**
 * Backups per stack, built from the stack's settings without the program:
 * settingsFor -> backupsArgsFromSettings -> backupObjects. The scheduled
 * backup, uploads archive and restore test, the backup volume, the restore
 * Job, and that no credential reaches an argument, a plain env value or a
 * ConfigMap. One check runs the program under the mock runtime, for what
 * only the program shows: the wiring between components and the generated
 * passwords (see "the program").
 */
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { findObject, kubernetesObjects, objectsOfKind } from "../tools/resourceList";
import { builtStack, placeholderList, restoreCase } from "./support/platformBuild";
import { loadStackConfig, projectDefaults } from "../tools/stackConfig";
import { backupObjects } from "../components/backup/backups";
import { BackupPeers, backupsArgsFromSettings } from "../components/backup/backupSettings";
import { backupDefaults } from "../components/backup/defaults";
import { restoreJobName } from "../components/backup/restoreJob";
import { replicaSetHosts } from "../components/mongodb/replicaSet";
import { selectorLabels } from "../components/labels";
import { Settings } from "../components/settings";
import { settingsFor } from "./support/settings";
import { stacks } from "./support/stacks";

const setting = (stack: string, name: string) => loadStackConfig(stack).values[`rocketchat-ha:${name}`];
const instance = "rocketchat";

/**
 * What the replica set, the credentials and Rocket.Chat hand the backups in
 * components/platform.ts, stated here from their definitions; "the program"
 * below checks the same facts on the program's own objects.
 */
function peersOf(s: Settings): BackupPeers {
    return {
        mongodb: {
            hosts: replicaSetHosts(instance, s.namespace, s.clusterDomain, s.mongodbMembers),
            replicaSetName: s.mongodbReplicaSetName,
            clientLabels: { "rocketchat-ha.io/mongodb-client": instance },
        },
        usersSecretName: `${instance}-mongodb-users`,
        backupUser: { usernameKey: "backup-username", passwordKey: "backup-password" },
        restoreUser: { usernameKey: "restore-username", passwordKey: "restore-password" },
        // No credential rotates in these stacks (credentialObjects.ts previousUsernames).
        previousUsernames: [],
        uploadsClaimName: s.uploadsStorage === "FileSystem" ? `${instance}-uploads` : undefined,
        rocketchatSelector: selectorLabels({ instance, name: "rocketchat", component: "chat" }),
    };
}

/** Every backup object of a stack, as the program declares them (claim, scripts, CronJobs, restore Job). */
function built(stack: string, overrides: Record<string, unknown> = {}): any[] {
    const s = settingsFor(stack, overrides);
    const args = backupsArgsFromSettings(s, peersOf(s));
    if (!args) {
        return [];
    }
    const o = backupObjects(instance, args);
    return [o.claim, o.scripts, o.cronJobs?.backup, o.cronJobs?.uploads, o.cronJobs?.verify, o.restore].filter((x) => x !== undefined);
}

const isBackupObject = (o: any) => o.metadata?.labels?.["app.kubernetes.io/name"] === "mongodb-backup";
const ofKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);
const find = (objects: any[], kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    assert.ok(found, `${kind}/${name} is declared`);
    return found;
};
const cronJob = (objects: any[], name: string) => find(objects, "CronJob", name);
const podOf = (o: any) => (o.kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.spec.template);
const containerOf = (o: any) => podOf(o).spec.containers[0];
const envOf = (o: any): Record<string, any> => Object.fromEntries(containerOf(o).env.map((e: any) => [e.name, e]));
const restoreJobs = (objects: any[]) => ofKind(objects, "Job").filter((j) => j.metadata.labels?.["app.kubernetes.io/component"] === "restore");
const restoreArchive = restoreCase.restoreArchive;

/** Every string an attacker could read from the object without Secret access. */
function plainStrings(o: any): string[] {
    const found: string[] = [];
    const walk = (value: any) => {
        if (typeof value === "string") {
            found.push(value);
        } else if (value && typeof value === "object") {
            Object.values(value).forEach(walk);
        }
    };
    if (o.kind === "ConfigMap") {
        walk(o.data);
    }
    if (o.kind === "CronJob" || o.kind === "Job") {
        for (const c of podOf(o).spec.containers) {
            walk(c.command);
            walk(c.args);
            walk((c.env ?? []).map((e: any) => e.value));
        }
    }
    return found;
}

describe("backups", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            it("backs up on the configured schedule, one run at a time, with deadline, history, backoff and retention", () => {
                const run = built(stack);
                const backup = cronJob(run, "rocketchat-backup");
                assert.equal(backup.spec.schedule, setting(stack, "backupSchedule"));
                assert.equal(backup.spec.concurrencyPolicy, "Forbid");
                assert.equal(backup.spec.suspend, false);
                assert.ok(backup.spec.startingDeadlineSeconds > 0);
                assert.ok(backup.spec.successfulJobsHistoryLimit >= 1 && backup.spec.failedJobsHistoryLimit >= 1);
                const job = backup.spec.jobTemplate.spec;
                assert.ok(job.backoffLimit >= 1 && job.activeDeadlineSeconds > 0);
                assert.deepEqual(containerOf(backup).command, ["bash", "/scripts/backup.sh"]);
                assert.equal(envOf(backup).BACKUP_RETENTION.value, setting(stack, "backupRetention"));
                assert.equal(envOf(backup).MONGODB_REPLICA_SET.value, "rs0");
                const members = Number(setting(stack, "mongodbMembers"));
                assert.equal(envOf(backup).MONGODB_HOSTS.value.split(",").length, members);
            });

            it("runs every backup pod restricted with the backup requests and limits, UID 999 only with fixed UIDs", () => {
                const run = built(stack);
                const jobs = run.filter(isBackupObject).filter((o) => o.kind === "CronJob");
                assert.ok(jobs.length >= 2);
                const fixed = setting(stack, "fixedUids") === "true";
                for (const o of jobs) {
                    const pod = podOf(o).spec;
                    const c = containerOf(o);
                    assert.equal(pod.securityContext.runAsNonRoot, true, o.metadata.name);
                    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                    assert.equal(pod.securityContext.runAsUser, fixed ? 999 : undefined, o.metadata.name);
                    assert.equal(pod.automountServiceAccountToken, false);
                    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
                    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
                    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
                    assert.equal(c.image, setting(stack, "mongodbImage"));
                    // Ephemeral storage is derived from the pod's emptyDirs (test/podHygiene.test.ts).
                    const { "ephemeral-storage": _requested, ...requests } = c.resources.requests;
                    const { "ephemeral-storage": _limited, ...limits } = c.resources.limits;
                    assert.deepEqual({ requests, limits }, {
                        requests: { cpu: setting(stack, "backupCpuRequest"), memory: setting(stack, "backupMemoryRequest") },
                        limits: { cpu: setting(stack, "backupCpuLimit"), memory: setting(stack, "backupMemoryLimit") },
                    });
                }
            });

            it("connects as the backup user from the Secret, through the MongoDB NetworkPolicy", () => {
                const run = built(stack);
                const backup = cronJob(run, "rocketchat-backup");
                const e = envOf(backup);
                assert.deepEqual(e.MONGODB_USERNAME.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-users", key: "backup-username" });
                assert.deepEqual(e.MONGODB_PASSWORD.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-users", key: "backup-password" });
                // The labels the replica set's NetworkPolicy admits ("the program" checks them against the policy itself).
                const clientLabels = peersOf(settingsFor(stack)).mongodb.clientLabels;
                const labels = podOf(backup).metadata.labels;
                for (const [key, value] of Object.entries(clientLabels)) {
                    assert.equal(labels[key], value);
                }
                const tools = podOf(backup).spec.volumes.find((v: any) => v.name === "tools-config");
                assert.equal(tools.emptyDir.medium, "Memory", "the rendered --config file never touches a disk");
            });

            it("ships the real scripts, the bootstrap's restore role and its rule for other generations; the dump connects directly to the member it chose", () => {
                const run = built(stack);
                const scripts = find(run, "ConfigMap", "rocketchat-backup-scripts").data;
                const scriptsDir = path.join(__dirname, "..", "components", "backup", "scripts");
                const fromMongodb = ["restoreRole.json", "userGenerations.js"];
                assert.deepEqual(Object.keys(scripts).sort(), [...readdirSync(scriptsDir), ...fromMongodb].sort(), "every script file is shipped");
                for (const file of readdirSync(scriptsDir)) {
                    assert.equal(scripts[file], readFileSync(path.join(scriptsDir, file), "utf8"), file);
                }
                for (const file of fromMongodb) {
                    assert.equal(scripts[file], readFileSync(path.join(__dirname, "..", "components", "mongodb", file), "utf8"), file);
                }
                assert.match(scripts["backup.sh"], /mongodump --config="\$TOOLS_CONFIG_DIR\/tools\.yaml" --oplog --gzip --archive=/);
                assert.match(scripts["backup.sh"], /render_tools_config "\$TOOLS_CONFIG_DIR\/tools\.yaml" "\$host" "directConnection=true&authSource=admin"/);
                const e = envOf(cronJob(run, "rocketchat-backup"));
                // A suspect archive (exit 3) fails the Job at once instead of writing more of them.
                assert.deepEqual(cronJob(run, "rocketchat-backup").spec.jobTemplate.spec.podFailurePolicy, {
                    rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [3] } }],
                });
                assert.equal(e.APP_DATABASE.value, setting(stack, "mongodbDatabase"));
                assert.equal(e.SUSPECT_BELOW_PERCENT.value, setting(stack, "backupSuspectBelowPercent"));
                assert.equal(podOf(cronJob(run, "rocketchat-backup")).spec.volumes.find((v: any) => v.name === "scripts").configMap.name, "rocketchat-backup-scripts");
            });

            it("keeps archives on a claim sized from config that `pulumi destroy` leaves in place", () => {
                const run = built(stack);
                const claim = find(run, "PersistentVolumeClaim", "rocketchat-backup");
                assert.equal(claim.spec.resources.requests.storage, setting(stack, "backupStorageSize"));
                assert.equal(claim.spec.storageClassName, setting(stack, "backupStorageClass") || undefined);
                for (const o of run.filter(isBackupObject).filter((x) => x.kind === "CronJob")) {
                    assert.equal(podOf(o).spec.volumes.find((v: any) => v.name === "backup").persistentVolumeClaim.claimName, "rocketchat-backup");
                }
            });

            it("proves the newest archive by restoring it into a scratch mongod on a reserved volume, with no database access", () => {
                const run = built(stack);
                const verify = cronJob(run, "rocketchat-backup-verify");
                assert.equal(verify.spec.schedule, setting(stack, "backupVerifySchedule"));
                assert.equal(verify.spec.concurrencyPolicy, "Forbid");
                assert.equal(verify.spec.jobTemplate.spec.backoffLimit, 0, "a failed restore test stays a failed Job");
                assert.deepEqual(containerOf(verify).command, ["bash", "/scripts/verify.sh"]);
                const e = envOf(verify);
                assert.equal(e.MONGODB_PASSWORD, undefined);
                assert.equal(e.SCRATCH_DIR.value, "/scratch");
                assert.equal(e.RESTORE_ROLE_FILE.value, "/scripts/restoreRole.json");
                assert.ok(Number(e.SCRATCH_CACHE_GB.value) >= 0.25);
                // A generic ephemeral volume: provisioned and reserved, not the node's disk.
                const scratch = podOf(verify).spec.volumes.find((v: any) => v.name === "scratch");
                assert.equal(scratch.emptyDir, undefined);
                const claim = scratch.ephemeral.volumeClaimTemplate.spec;
                assert.deepEqual(claim.accessModes, ["ReadWriteOnce"]);
                assert.equal(claim.resources.requests.storage, setting(stack, "mongodbStorageSize"));
                assert.equal(claim.storageClassName, setting(stack, "backupScratchStorageClass") || undefined);
                assert.equal(podOf(verify).spec.volumes.find((v: any) => v.name === "tools-config").emptyDir.medium, "Memory");
                assert.equal(podOf(verify).metadata.labels["rocketchat-ha.io/mongodb-client"], undefined);
            });

            it("archives FileSystem uploads read-only with their own retention", () => {
                const run = built(stack);
                assert.equal(setting(stack, "uploadsStorage"), "FileSystem");
                const uploads = cronJob(run, "rocketchat-backup-uploads");
                assert.equal(uploads.spec.schedule, setting(stack, "backupSchedule"));
                assert.equal(uploads.spec.concurrencyPolicy, "Forbid");
                assert.equal(envOf(uploads).UPLOADS_RETENTION.value, setting(stack, "backupUploadsRetention"));
                const pod = podOf(uploads).spec;
                const volume = pod.volumes.find((v: any) => v.name === "uploads");
                assert.deepEqual(volume.persistentVolumeClaim, { claimName: "rocketchat-uploads", readOnly: true });
                assert.deepEqual(pod.containers[0].volumeMounts.find((m: any) => m.name === "uploads"), { name: "uploads", mountPath: "/app/uploads", readOnly: true });
                assert.equal(envOf(uploads).MONGODB_PASSWORD, undefined);
                // A ReadWriteOnce claim attaches to one node: run beside Rocket.Chat there.
                const rwo = setting(stack, "uploadsAccessMode") === "ReadWriteOnce";
                const affinity = pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0];
                if (rwo) {
                    // Rocket.Chat's pod selector ("the program" checks it against the Deployment itself).
                    assert.deepEqual(affinity.labelSelector.matchLabels, peersOf(settingsFor(stack)).rocketchatSelector);
                    assert.equal(affinity.topologyKey, "kubernetes.io/hostname");
                } else {
                    assert.equal(affinity, undefined);
                }
            });

            it("declares no restore Job and suspends nothing while restoreArchive is empty", () => {
                const run = built(stack);
                assert.deepEqual(restoreJobs(run), []);
                for (const o of run.filter(isBackupObject).filter((x) => x.kind === "CronJob")) {
                    assert.equal(o.spec.suspend, false, o.metadata.name);
                }
            });

            it("takes every credential from the Secret, never from an argument, a plain env value or a ConfigMap", () => {
                for (const objects of [built(stack), built(stack, { restoreArchive, restoreDropExisting: true })]) {
                    const jobs = objects.filter((o) => o.kind === "CronJob" || o.kind === "Job");
                    assert.ok(jobs.length >= 2);
                    for (const o of jobs) {
                        for (const e of containerOf(o).env.filter((x: any) => /PASSWORD|USERNAME/.test(x.name))) {
                            assert.ok(e.valueFrom?.secretKeyRef && e.value === undefined, `${o.metadata.name}: ${e.name} must come from a Secret`);
                        }
                    }
                }
            });
        });
    }

    describe("settings changes", () => {
        it("a restore runs one Job named after the archive and suspends every backup schedule", () => {
            const run = built("prod", { restoreArchive });
            const [job, ...more] = restoreJobs(run);
            assert.deepEqual(more, []);
            assert.equal(job.metadata.name, restoreJobName("rocketchat", restoreArchive, false));
            assert.match(job.metadata.name, /^rocketchat-restore-[0-9a-f]{10}$/);
            assert.deepEqual(containerOf(job).command, ["bash", "/scripts/restore.sh"]);
            const e = envOf(job);
            assert.equal(e.RESTORE_ARCHIVE.value, restoreArchive);
            assert.equal(e.RESTORE_DROP.value, "false", "no --drop without the opt-in");
            assert.equal(e.RESTORE_ALLOW_UNCHECKSUMMED.value, "false", "an archive without a checksum is refused without the opt-in");
            // The restore identity, the only user whose role allows --oplogReplay.
            assert.deepEqual(e.MONGODB_USERNAME.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-users", key: "restore-username" });
            assert.deepEqual(e.MONGODB_PASSWORD.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-users", key: "restore-password" });
            assert.equal(podOf(job).metadata.labels["rocketchat-ha.io/mongodb-client"], "rocketchat");
            assert.ok(job.spec.activeDeadlineSeconds > 0);
            const schedules = run.filter(isBackupObject).filter((o) => o.kind === "CronJob");
            assert.equal(schedules.length, 3);
            for (const o of schedules) {
                assert.equal(o.spec.suspend, true, `${o.metadata.name} must not start during a restore`);
            }
        });

        it("--drop only with restoreDropExisting, and another archive or choice means another Job", () => {
            const run = built("prod", { restoreArchive, restoreDropExisting: true });
            const [job] = restoreJobs(run);
            assert.equal(envOf(job).RESTORE_DROP.value, "true");
            const names = new Set([
                job.metadata.name,
                restoreJobName("rocketchat", restoreArchive, false),
                restoreJobName("rocketchat", "rocketchat-20261129T021500Z.archive.gz", true),
            ]);
            assert.equal(names.size, 3);
        });

        it("GridFS uploads are in the dump: no uploads archive", () => {
            const run = built("prod", { uploadsStorage: "GridFS" });
            assert.deepEqual(ofKind(run, "CronJob").map((o) => o.metadata.name).sort(), ["rocketchat-backup", "rocketchat-backup-verify"]);
        });

        it("an existing claim is used as is and no claim is created", () => {
            const run = built("test", { backupExistingClaim: "nfs-backup" });
            assert.deepEqual(ofKind(run, "PersistentVolumeClaim").filter(isBackupObject), []);
            for (const o of run.filter(isBackupObject).filter((x) => x.kind === "CronJob")) {
                assert.equal(podOf(o).spec.volumes.find((v: any) => v.name === "backup").persistentVolumeClaim.claimName, "nfs-backup");
            }
        });

        it("backups off declares nothing, except a restore from an existing claim", () => {
            const off = built("dev", { backupEnabled: false });
            assert.deepEqual(off.filter(isBackupObject), []);
            const restoreOnly = built("dev", { backupEnabled: false, backupExistingClaim: "old-backups", restoreArchive });
            assert.deepEqual(restoreOnly.filter(isBackupObject).map((o) => o.kind).sort(), ["ConfigMap", "Job"]);
            assert.equal(podOf(restoreJobs(restoreOnly)[0]).spec.volumes.find((v: any) => v.name === "backup").persistentVolumeClaim.claimName, "old-backups");
        });
    });

    it("the arguments' defaults are the settings' defaults in Pulumi.yaml", () => {
        const d = projectDefaults();
        const yaml = (name: string) => d[`rocketchat-ha:${name}`];
        assert.equal(backupDefaults.schedule, yaml("backupSchedule"));
        assert.equal(String(backupDefaults.retention), yaml("backupRetention"));
        assert.equal(backupDefaults.verifySchedule, yaml("backupVerifySchedule"));
        assert.equal(backupDefaults.storageSize, yaml("backupStorageSize"));
        assert.equal(String(backupDefaults.suspectBelowPercent), yaml("backupSuspectBelowPercent"));
        assert.deepEqual(backupDefaults.resources, {
            cpuRequest: yaml("backupCpuRequest"), cpuLimit: yaml("backupCpuLimit"), memoryRequest: yaml("backupMemoryRequest"), memoryLimit: yaml("backupMemoryLimit"),
        });
        assert.equal(String(backupDefaults.fixedUid), yaml("fixedUids"));
        assert.equal(backupDefaults.scratchSize, yaml("mongodbStorageSize"));
    });

    /**
     * The whole stack as built (test/program.test.ts proves the program
     * registers exactly it, this restore case included): the backups get the
     * replica set's, Rocket.Chat's and the Secret's real names and labels, and
     * no generated value reaches a backup object. dev: ReadWriteOnce uploads;
     * a restore with --drop, so the Job is declared too.
     */
    describe("the whole stack", () => {
        const overrides = restoreCase;
        const run = builtStack("dev", overrides);

        it("declares exactly the backup objects the builders make from the settings", () => {
            const byName = (objects: any[]) => Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
            assert.equal(kubernetesObjects(run).filter(isBackupObject).length, 6, "claim, scripts, three CronJobs, restore Job");
            assert.deepEqual(byName(kubernetesObjects(run).filter(isBackupObject)), byName(JSON.parse(JSON.stringify(built("dev", overrides)))));
        });

        it("admits the backup and restore pods through the MongoDB NetworkPolicy, runs uploads beside Rocket.Chat, and stops Rocket.Chat for the restore", () => {
            const policy = findObject(run, "NetworkPolicy", "rocketchat-mongodb");
            const clientLabels = policy.spec.ingress[0].from[1].podSelector.matchLabels;
            for (const o of [findObject(run, "CronJob", "rocketchat-backup"), ...objectsOfKind(run, "Job").filter((j) => j.metadata.labels?.["app.kubernetes.io/component"] === "restore")]) {
                for (const [key, value] of Object.entries(clientLabels)) {
                    assert.equal(podOf(o).metadata.labels[key], value, o.metadata.name);
                }
            }
            const affinity = podOf(findObject(run, "CronJob", "rocketchat-backup-uploads")).spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
            assert.deepEqual(affinity.labelSelector.matchLabels, findObject(run, "Deployment", "rocketchat").spec.selector.matchLabels);
            assert.equal(findObject(run, "Deployment", "rocketchat").spec.replicas, 0, "Rocket.Chat is stopped (lead's wiring)");
        });

        it("puts no generated credential in any argument, plain env value or ConfigMap", () => {
            const objects = kubernetesObjects(run).filter(isBackupObject);
            assert.ok(objects.some((o) => o.kind === "Job"));
            for (const o of objects) {
                for (const text of plainStrings(o)) {
                    for (const secret of placeholderList) {
                        assert.ok(!text.includes(secret), `${o.kind}/${o.metadata.name} exposes a generated secret`);
                    }
                }
            }
        });
    });
});

describe("backup builders", () => {
    const s = settingsFor("prod");
    const args = backupsArgsFromSettings(s, peersOf(s))!;
    it("the uploads archive is built only with an uploads claim", () => {
        const cronJobs = (uploadsClaimName?: string) => {
            const built = backupObjects(instance, { ...args, uploadsClaimName }).cronJobs!;
            return [built.backup, built.uploads, built.verify].filter((o) => o !== undefined).map((o) => o.metadata.name).sort();
        };
        assert.deepEqual(cronJobs(undefined), ["rocketchat-backup", "rocketchat-backup-verify"]);
        assert.deepEqual(cronJobs("uploads"), ["rocketchat-backup", "rocketchat-backup-uploads", "rocketchat-backup-verify"]);
    });
});
