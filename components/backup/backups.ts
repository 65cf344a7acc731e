/**
 * Backups you can restore: the backup volume, the scripts, the scheduled
 * database backup, uploads archive and restore test, and, while a stack names
 * an archive, the restore Job. See docs/backup.md for the runbook.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import { WorkloadPlacement } from "../placement";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { readFileSync } from "fs";
import * as path from "path";
import { mongoImageUid } from "../mongodb/replicaSet";
import { wiredTigerCacheGb } from "../mongodb/sizing";
import { ResourceSettings } from "../podShapes";
import { imageParts } from "../validators";
import { BackupSchedules } from "./backupJobs";
import { BackupStorage } from "./backupStorage";
import { backupLabels, MongoCredentialRef, SharedPodArgs } from "./jobPod";
import { defaultJobDeadlineSeconds, paths, scriptFiles } from "./layout";
import { RestoreJob } from "./restoreJob";

/** The replica set the backups read from and restores write to. */
export interface BackupTarget {
    /** Member host:port names. */
    readonly hosts: string[];
    /** Replica-set name. */
    readonly replicaSetName: string;
    /** Labels a pod needs to pass the MongoDB NetworkPolicy. */
    readonly clientLabels: Record<string, string>;
    /** Resource after which the users exist (the bootstrap Job). Defaults to none. */
    readonly ready?: pulumi.Resource;
}

export interface MongoBackupsArgs {
    /** Namespace of every object. */
    readonly namespace: string;
    /** Official mongo image (same as the replica set's): mongodump, mongorestore, mongod, mongosh. */
    readonly image: string;
    /** The replica set. */
    readonly mongodb: BackupTarget;
    /** The backup user (the read-only built-in backup role). */
    readonly credentials: MongoCredentialRef;
    /** The restore identity, the only user whose role allows mongorestore --oplogReplay; used by the restore Job. */
    readonly restoreCredentials: MongoCredentialRef;
    /** Database Rocket.Chat uses: an archive without any of its documents is suspect. */
    readonly appDatabase: string;
    /** An archive below this percentage of the newest verified one is suspect. Defaults to 50; 0 checks only for an empty application database. */
    readonly suspectBelowPercent?: number;
    /** Declare the scheduled backup, uploads archive and restore test. Defaults to true; false keeps only storage and a configured restore. */
    readonly schedulesEnabled?: boolean;
    /** Cron schedule of the backup; the recovery point is at most one interval old. */
    readonly schedule: string;
    /** Newest good database archives kept. */
    readonly retention: number;
    /** Cron schedule of the restore test. */
    readonly verifySchedule: string;
    /** Existing claim for the archives. Defaults to creating one. */
    readonly existingClaimName?: string;
    /** StorageClass of a created claim. Defaults to the cluster default. */
    readonly storageClassName?: string;
    /** Size of a created claim. */
    readonly storageSize: string;
    /** Named opt-in to delete a created claim with the stack. Defaults to false (retained). */
    readonly deleteClaimOnDestroy?: boolean;
    /** Requests and limits of every backup pod. */
    readonly resources: ResourceSettings;
    /** Run as the image's mongodb user (999). False lets the platform assign the UID (OpenShift). */
    readonly fixedUid: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** Size of the restore test's scratch volume (a generic ephemeral volume), e.g. a member's volume size. */
    readonly scratchSize: string;
    /** StorageClass of the scratch volume. Defaults to the cluster default. */
    readonly scratchStorageClassName?: string;
    /** Rocket.Chat's uploads claim when uploads use FileSystem storage. Defaults to none (no uploads archive). */
    readonly uploadsClaimName?: pulumi.Input<string>;
    /** Newest uploads archives kept. Defaults to `retention`. */
    readonly uploadsRetention?: number;
    /** Labels of the Rocket.Chat pods when the uploads claim is ReadWriteOnce (the archive must run on their node). Defaults to none. */
    readonly uploadsColocateWith?: Record<string, string>;
    /** Group that owns the uploads files (Rocket.Chat's 65533 with fixed UIDs). Defaults to none. */
    readonly uploadsGroupId?: number;
    /** Archive to restore. Defaults to none; while set, every schedule is suspended. */
    readonly restoreArchive?: string;
    /** Named opt-in for mongorestore --drop. Defaults to false. */
    readonly restoreDropExisting?: boolean;
    /** Named opt-in to restore an archive without a checksum file. Defaults to false. */
    readonly restoreAllowUnchecksummed?: boolean;
    /** Resources the restore waits for, e.g. Rocket.Chat scaled to zero. Defaults to none. */
    readonly restoreDependsOn?: pulumi.Resource[];
    /** Longest any backup, verification or restore Job may run. Defaults to 6 hours. */
    readonly jobDeadlineSeconds?: number;
}

export class MongoBackups extends pulumi.ComponentResource {
    /** Claim holding the archives. */
    public readonly claimName: pulumi.Output<string>;
    /** True while a restore is configured: Rocket.Chat must be stopped and its autoscaler removed. */
    public readonly restoring: boolean;
    public readonly schedules?: BackupSchedules;
    public readonly restore?: RestoreJob;

    constructor(name: string, args: MongoBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.MongoBackups.token, name, {}, withFormerTypes("MongoBackups", opts));
        const version = imageParts(args.image).tag;
        const deadlineSeconds = args.jobDeadlineSeconds ?? defaultJobDeadlineSeconds;
        this.restoring = Boolean(args.restoreArchive);

        const storage = new BackupStorage(name, {
            namespace: args.namespace,
            labels: backupLabels(name, "backup", version),
            existingClaimName: args.existingClaimName,
            storageClassName: args.storageClassName,
            size: args.storageSize,
            deleteClaimOnDestroy: args.deleteClaimOnDestroy,
        }, childOf(this, opts));
        this.claimName = storage.claimName;

        const scriptsDir = path.join(__dirname, "scripts");
        const scripts = new k8s.core.v1.ConfigMap(`${name}-backup-scripts`, {
            metadata: { name: `${name}-backup-scripts`, namespace: args.namespace, labels: backupLabels(name, "backup", version) },
            data: {
                ...Object.fromEntries(scriptFiles.map((file) => [file, readFileSync(path.join(scriptsDir, file), "utf8")])),
                // The verification creates the production restore role from the bootstrap's own definition.
                [path.basename(paths.restoreRole)]: readFileSync(path.join(__dirname, "..", "mongodb", "restoreRole.json"), "utf8"),
            },
        }, childOf(this, opts));

        const pod: SharedPodArgs = {
            image: args.image,
            scriptsConfigMapName: scripts.metadata.name,
            backupClaimName: storage.claimName,
            uid: args.fixedUid ? mongoImageUid : undefined,
            resources: args.resources,
            placement: args.placement,
        };
        const env = [
            { name: "ARCHIVE_PREFIX", value: name },
            // Every Job ends by its deadline, so an older lock belongs to a dead pod.
            { name: "LOCK_STALE_SECONDS", value: String(deadlineSeconds + 300) },
            { name: "LOCK_WAIT_SECONDS", value: String(Math.floor(deadlineSeconds / 2)) },
        ];
        const databaseEnv = [
            { name: "MONGODB_HOSTS", value: args.mongodb.hosts.join(",") },
            { name: "MONGODB_REPLICA_SET", value: args.mongodb.replicaSetName },
        ];
        const ready = [scripts, ...(args.mongodb.ready ? [args.mongodb.ready] : [])];

        if (args.schedulesEnabled ?? true) {
            this.schedules = new BackupSchedules(name, {
                namespace: args.namespace,
                instance: name,
                version,
                pod,
                env,
                databaseEnv,
                mongodbClientLabels: args.mongodb.clientLabels,
                credentials: args.credentials,
                schedule: args.schedule,
                retention: args.retention,
                appDatabase: args.appDatabase,
                suspectBelowPercent: args.suspectBelowPercent ?? 50,
                verifySchedule: args.verifySchedule,
                scratchSize: args.scratchSize,
                scratchStorageClassName: args.scratchStorageClassName,
                scratchCacheGb: wiredTigerCacheGb(args.resources.memoryLimit),
                uploads: args.uploadsClaimName
                    ? {
                        claimName: args.uploadsClaimName,
                        retention: args.uploadsRetention ?? args.retention,
                        colocateWith: args.uploadsColocateWith,
                        groupId: args.uploadsGroupId,
                    }
                    : undefined,
                // No backup may start while a restore is configured.
                suspend: this.restoring,
                deadlineSeconds,
            }, childOf(this, opts, ready));
        }

        if (args.restoreArchive) {
            this.restore = new RestoreJob(name, {
                namespace: args.namespace,
                instance: name,
                version,
                archive: args.restoreArchive,
                dropExisting: args.restoreDropExisting,
                allowUnchecksummed: args.restoreAllowUnchecksummed,
                pod,
                env,
                databaseEnv,
                mongodbClientLabels: args.mongodb.clientLabels,
                credentials: args.restoreCredentials,
                deadlineSeconds,
            // The schedules are suspended first; a backup already running holds the lock and the restore waits for it.
            }, childOf(this, opts, ready, this.schedules ? [this.schedules] : [], args.restoreDependsOn ?? []));
        }

        this.registerOutputs({
            claimName: this.claimName,
            restoring: this.restoring,
            backupCronJob: this.schedules?.backup.metadata.name,
            verifyCronJob: this.schedules?.verify.metadata.name,
            restoreJob: this.restore?.jobName,
        });
    }
}
