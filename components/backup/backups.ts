/**
 * Backups you can restore: the backup volume, the scripts, the scheduled
 * database backup, uploads archive and restore test, and, while a stack names
 * an archive, the restore Job. See docs/backup.md for the runbook.
 *
 * `backupObjects` builds every object from the arguments alone (pure); the
 * MongoBackups component declares the same objects through its parts
 * (BackupStorage, BackupSchedules, RestoreJob), adding only dependencies and
 * resource options.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import { WorkloadPlacement } from "../placement";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { mongoImageUid } from "../mongodb/replicaSet";
import { wiredTigerCacheGb } from "../mongodb/sizing";
import { ResourceSettings } from "../podShapes";
import { imageParts } from "../validators";
import { backupCronJobObjects, BackupSchedules, BackupSchedulesArgs } from "./backupJobs";
import { backupClaimName, backupClaimObject, BackupStorage, BackupStorageArgs } from "./backupStorage";
import { backupDefaults } from "./defaults";
import { backupLabels, MongoCredentialRef, SharedPodArgs } from "./jobPod";
import { defaultJobDeadlineSeconds } from "./layout";
import { RestoreJob, restoreJobObject, RestoreJobArgs } from "./restoreJob";
import { backupScriptsConfigMap } from "./scriptsConfigMap";

/** The replica set the backups read from and restores write to. */
export interface BackupTarget {
    /** Member host:port names. */
    readonly hosts: string[];
    /** Replica-set name. */
    readonly replicaSetName: string;
    /** Labels a pod needs to pass the MongoDB NetworkPolicy. */
    readonly clientLabels: Record<string, string>;
}

/** What the backup objects are built from. */
export interface BackupsArgs {
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
    /** The previous generation's users kept this run (credentialObjects.ts previousUsernames): a restore keeps them too. Defaults to none. */
    readonly previousUsernames?: readonly string[];
    /** Database Rocket.Chat uses: an archive without any of its documents is suspect. */
    readonly appDatabase: string;
    /** An archive below this percentage of the newest verified one is suspect. Defaults to 50; 0 checks only for an empty application database. */
    readonly suspectBelowPercent?: number;
    /** Declare the scheduled backup, uploads archive and restore test. Defaults to true; false keeps only storage and a configured restore. */
    readonly schedulesEnabled?: boolean;
    /** Cron schedule of the backup; the recovery point is at most one interval old. Defaults to "15 2 * * *". */
    readonly schedule?: string;
    /** Newest good database archives kept. Defaults to 7. */
    readonly retention?: number;
    /** Cron schedule of the restore test. Defaults to "45 3 * * *" (daily). */
    readonly verifySchedule?: string;
    /** Existing claim for the archives. Defaults to creating one. */
    readonly existingClaimName?: string;
    /** StorageClass of a created claim. Defaults to the cluster default. */
    readonly storageClassName?: string;
    /** Size of a created claim. Defaults to 50Gi. */
    readonly storageSize?: string;
    /** Named opt-in to delete a created claim with the stack. Defaults to false (retained). */
    readonly deleteClaimOnDestroy?: boolean;
    /** Requests and limits of every backup pod. Defaults to 250m/1 CPU, 512Mi/2Gi memory. */
    readonly resources?: ResourceSettings;
    /** Run as the image's mongodb user (999). False lets the platform assign the UID (OpenShift). Defaults to true. */
    readonly fixedUid?: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** Size of the restore test's scratch volume (a generic ephemeral volume), e.g. a member's volume size. Defaults to 20Gi. */
    readonly scratchSize?: string;
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
    /** Named opt-in to replace the archive's collections (as mongorestore --drop would, users and roles excepted). Defaults to false. */
    readonly restoreDropExisting?: boolean;
    /** Named opt-in to restore an archive without a checksum file. Defaults to false. */
    readonly restoreAllowUnchecksummed?: boolean;
    /** Longest any backup, verification or restore Job may run. Defaults to 6 hours. */
    readonly jobDeadlineSeconds?: number;
}

/** The component's arguments: the objects' arguments and the resources they wait for. */
export interface MongoBackupsArgs extends BackupsArgs {
    /** Resource after which the users exist (the replica set's bootstrap Job). Defaults to none. */
    readonly mongodbReady?: pulumi.Resource;
    /** Resources the restore waits for, e.g. Rocket.Chat scaled to zero. Defaults to none. */
    readonly restoreDependsOn?: pulumi.Resource[];
}

/** Where the jobs find the scripts and the archives: names in the pure build, Outputs in the program (so each Job also depends on them). */
interface BackupVolumes {
    readonly scriptsConfigMapName: pulumi.Input<string>;
    readonly backupClaimName: pulumi.Input<string>;
}

/** True while a restore is configured: Rocket.Chat must be stopped and every schedule suspended. */
export function isRestoring(args: Pick<BackupsArgs, "restoreArchive">): boolean {
    return Boolean(args.restoreArchive);
}

function backupVersion(args: BackupsArgs): string | undefined {
    return imageParts(args.image).tag;
}

/** The backup volume: an existing claim, or one created with these arguments. */
export function backupStorageArgs(name: string, args: BackupsArgs): BackupStorageArgs {
    return {
        namespace: args.namespace,
        labels: backupLabels(name, "backup", backupVersion(args)),
        existingClaimName: args.existingClaimName,
        storageClassName: args.storageClassName,
        size: args.storageSize ?? backupDefaults.storageSize,
        deleteClaimOnDestroy: args.deleteClaimOnDestroy,
    };
}

/** The schedules' and the restore Job's arguments; undefined for a part that is not declared. */
export function backupJobArgs(name: string, args: BackupsArgs, volumes: BackupVolumes): { schedules?: BackupSchedulesArgs; restore?: RestoreJobArgs } {
    const version = backupVersion(args);
    const deadlineSeconds = args.jobDeadlineSeconds ?? defaultJobDeadlineSeconds;
    const resources = args.resources ?? backupDefaults.resources;
    const retention = args.retention ?? backupDefaults.retention;
    const pod: SharedPodArgs = {
        image: args.image,
        scriptsConfigMapName: volumes.scriptsConfigMapName,
        backupClaimName: volumes.backupClaimName,
        uid: (args.fixedUid ?? backupDefaults.fixedUid) ? mongoImageUid : undefined,
        resources,
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
    const schedules: BackupSchedulesArgs | undefined = args.schedulesEnabled ?? true
        ? {
            namespace: args.namespace,
            instance: name,
            version,
            pod,
            env,
            databaseEnv,
            mongodbClientLabels: args.mongodb.clientLabels,
            credentials: args.credentials,
            schedule: args.schedule ?? backupDefaults.schedule,
            retention,
            appDatabase: args.appDatabase,
            suspectBelowPercent: args.suspectBelowPercent ?? backupDefaults.suspectBelowPercent,
            verifySchedule: args.verifySchedule ?? backupDefaults.verifySchedule,
            scratchSize: args.scratchSize ?? backupDefaults.scratchSize,
            scratchStorageClassName: args.scratchStorageClassName,
            scratchCacheGb: wiredTigerCacheGb(resources.memoryLimit),
            uploads: args.uploadsClaimName
                ? {
                    claimName: args.uploadsClaimName,
                    retention: args.uploadsRetention ?? retention,
                    colocateWith: args.uploadsColocateWith,
                    groupId: args.uploadsGroupId,
                }
                : undefined,
            // No backup may start while a restore is configured.
            suspend: isRestoring(args),
            deadlineSeconds,
        }
        : undefined;
    const restore: RestoreJobArgs | undefined = args.restoreArchive
        ? {
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
            previousUsernames: args.previousUsernames,
            deadlineSeconds,
        }
        : undefined;
    return { schedules, restore };
}

/** Every object the backups declare, in the order the component declares them. */
export function backupObjects(name: string, args: BackupsArgs) {
    const storage = backupStorageArgs(name, args);
    const claim = storage.existingClaimName ? undefined : backupClaimObject(name, storage);
    const scripts = backupScriptsConfigMap(name, args.namespace, backupLabels(name, "backup", backupVersion(args)));
    const parts = backupJobArgs(name, args, {
        scriptsConfigMapName: scripts.metadata.name,
        backupClaimName: storage.existingClaimName ?? backupClaimName(name),
    });
    return {
        claim,
        scripts,
        cronJobs: parts.schedules && backupCronJobObjects(name, parts.schedules),
        restore: parts.restore && restoreJobObject(name, parts.restore),
    };
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
        this.restoring = isRestoring(args);

        const storage = new BackupStorage(name, backupStorageArgs(name, args), childOf(this, opts));
        this.claimName = storage.claimName;

        const scriptsObject = backupScriptsConfigMap(name, args.namespace, backupLabels(name, "backup", backupVersion(args)));
        const scripts = new k8s.core.v1.ConfigMap(scriptsObject.metadata.name, { metadata: scriptsObject.metadata, data: scriptsObject.data }, childOf(this, opts));

        // Outputs, not names: every Job also depends on the claim and the scripts it mounts.
        const parts = backupJobArgs(name, args, { scriptsConfigMapName: scripts.metadata.name, backupClaimName: storage.claimName });
        const ready = [scripts, ...(args.mongodbReady ? [args.mongodbReady] : [])];
        if (parts.schedules) {
            this.schedules = new BackupSchedules(name, parts.schedules, childOf(this, opts, ready));
        }
        if (parts.restore) {
            // The schedules are suspended first; a backup already running holds the lock and the restore waits for it.
            this.restore = new RestoreJob(name, parts.restore, childOf(this, opts, ready, this.schedules ? [this.schedules] : [], args.restoreDependsOn ?? []));
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
