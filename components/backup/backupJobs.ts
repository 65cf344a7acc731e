/**
 * The scheduled Jobs: the database backup, the uploads archive (only when
 * uploads live on a FileSystem volume) and the restore test of the newest
 * archive. All are suspended while a restore is configured, so none starts
 * during a restore.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { hostnameTopology } from "../podShapes";
import { backupCronJobNames } from "./cronJobNames";
import { paths, suspectArchiveExitCode } from "./layout";
import { backupLabels, backupPodTemplate, BackupPodArgs, ExtraVolume, MongoCredentialRef, SharedPodArgs } from "./jobPod";

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** Rocket.Chat's FileSystem uploads volume. */
export interface UploadsSource {
    /** The uploads PersistentVolumeClaim; mounted read-only. */
    readonly claimName: pulumi.Input<string>;
    /** Newest uploads archives kept. */
    readonly retention: number;
    /** Labels of the Rocket.Chat pods. With a ReadWriteOnce claim the archive runs on their node, the only one that can attach it. Defaults to no placement rule (right for ReadWriteMany). */
    readonly colocateWith?: Record<string, string>;
    /** Group owning the uploads (Rocket.Chat's 65533), added to the pod's groups. Defaults to none (OpenShift shares one group per namespace). */
    readonly groupId?: number;
}

export interface BackupSchedulesArgs {
    /** Namespace of the CronJobs. */
    readonly namespace: string;
    /** Platform instance name, used in labels. */
    readonly instance: string;
    /** Value of app.kubernetes.io/version (the mongo image tag). Defaults to none. */
    readonly version?: string;
    /** Image, scripts, claim, identity and resources shared by every pod. */
    readonly pod: SharedPodArgs;
    /** Settings every script reads (archive prefix, lock timing). */
    readonly env: EnvVar[];
    /** Settings of scripts that reach the replica set (hosts, replica-set name). */
    readonly databaseEnv: EnvVar[];
    /** Labels the MongoDB NetworkPolicy admits. */
    readonly mongodbClientLabels: Record<string, string>;
    /** The backup user. */
    readonly credentials: MongoCredentialRef;
    /** Cron schedule of the database backup and the uploads archive. */
    readonly schedule: string;
    /** Newest good database archives kept. */
    readonly retention: number;
    /** Database Rocket.Chat uses: an archive with no document of it is suspect. */
    readonly appDatabase: string;
    /** An archive below this percentage of the newest verified one (documents or bytes) is suspect; 0 turns the size check off. */
    readonly suspectBelowPercent: number;
    /** Cron schedule of the restore test. */
    readonly verifySchedule: string;
    /** Size of the scratch mongod's dbpath, a generic ephemeral volume the scheduler and provisioner reserve. */
    readonly scratchSize: string;
    /** StorageClass of the scratch volume. Defaults to the cluster default. */
    readonly scratchStorageClassName?: string;
    /** WiredTiger cache of the scratch mongod, in GB. */
    readonly scratchCacheGb: number;
    /** Rocket.Chat's uploads volume. Defaults to none (GridFS keeps uploads in the database dump). */
    readonly uploads?: UploadsSource;
    /** Suspend every schedule, e.g. while a restore is configured. Defaults to false. */
    readonly suspend?: boolean;
    /** Longest a Job may run, including waiting for the lock. */
    readonly deadlineSeconds: number;
}

/** The CronJobs, as plain objects: the backup, the uploads archive (with `uploads` only) and the restore test. */
export function backupCronJobObjects(name: string, args: BackupSchedulesArgs) {
    const names = backupCronJobNames(name);
    const cronJob = (
        jobName: string,
        component: string,
        schedule: string,
        backoffLimit: number,
        pod: Pick<BackupPodArgs, "script" | "env" | "credentials" | "toolsConfig" | "extraVolumes" | "supplementalGroups" | "affinity"> & {
            /** Exit codes after which the Job fails without retries. Defaults to none. */
            readonly failJobOnExitCodes?: number[];
        },
    ) => {
        const labels = backupLabels(args.instance, component, args.version);
        return {
            apiVersion: "batch/v1" as const,
            kind: "CronJob" as const,
            metadata: { name: jobName, namespace: args.namespace, labels },
            spec: {
                schedule,
                suspend: args.suspend ?? false,
                // Never two runs at once; the volume lock covers the other Jobs.
                concurrencyPolicy: "Forbid",
                // A run missed by more than this (controller down, previous run
                // still going) is skipped rather than started late.
                startingDeadlineSeconds: 1800,
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                jobTemplate: {
                    metadata: { labels },
                    spec: {
                        backoffLimit,
                        activeDeadlineSeconds: args.deadlineSeconds,
                        ...(pod.failJobOnExitCodes
                            ? { podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: pod.failJobOnExitCodes } }] } }
                            : {}),
                        template: backupPodTemplate({
                            ...args.pod,
                            ...pod,
                            labels: { ...labels, ...(pod.credentials ? args.mongodbClientLabels : {}) },
                            env: [...args.env, ...pod.env],
                        }),
                    },
                },
            },
        };
    };

    const backup = cronJob(names.backup, "backup", args.schedule, 2, {
        script: "backup.sh",
        // Exit 3: the archive was written but is suspect. Retrying would only
        // write more suspect archives; fail the Job at once instead.
        failJobOnExitCodes: [suspectArchiveExitCode],
        credentials: args.credentials,
        env: [
            ...args.databaseEnv,
            { name: "BACKUP_RETENTION", value: String(args.retention) },
            { name: "APP_DATABASE", value: args.appDatabase },
            { name: "SUSPECT_BELOW_PERCENT", value: String(args.suspectBelowPercent) },
        ],
    });

    const uploads = args.uploads
        ? cronJob(names.uploads, "backup-uploads", args.schedule, 2, {
            script: "uploads.sh",
            env: [
                { name: "UPLOADS_DIR", value: paths.uploads },
                { name: "UPLOADS_RETENTION", value: String(args.uploads.retention) },
            ],
            extraVolumes: [{
                volume: { name: "uploads", persistentVolumeClaim: { claimName: args.uploads.claimName, readOnly: true } },
                mount: { name: "uploads", mountPath: paths.uploads, readOnly: true },
            }],
            supplementalGroups: args.uploads.groupId === undefined ? undefined : [args.uploads.groupId],
            affinity: args.uploads.colocateWith
                ? { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: args.uploads.colocateWith }, topologyKey: hostnameTopology }] } }
                : undefined,
        })
        : undefined;

    // No retries: a failed restore test must stay visible as a failed Job.
    // It needs no database access, so it carries no client labels and no
    // credentials: it creates its own restore identity in the scratch mongod.
    // The scratch dbpath is a generic ephemeral volume: a claim created with
    // the pod and deleted with it, so the restore's disk is provisioned and
    // reserved instead of filling the node's own disk (an emptyDir of that
    // size would not be reserved by the scheduler).
    const scratch: ExtraVolume = {
        volume: {
            name: "scratch",
            ephemeral: {
                volumeClaimTemplate: {
                    metadata: { labels: backupLabels(args.instance, "backup-verify", args.version) },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        ...(args.scratchStorageClassName ? { storageClassName: args.scratchStorageClassName } : {}),
                        resources: { requests: { storage: args.scratchSize } },
                    },
                },
            },
        },
        mount: { name: "scratch", mountPath: paths.scratch },
    };
    const verify = cronJob(names.verify, "backup-verify", args.verifySchedule, 0, {
        script: "verify.sh",
        env: [
            { name: "SCRATCH_DIR", value: paths.scratch },
            { name: "SCRATCH_CACHE_GB", value: String(args.scratchCacheGb) },
            { name: "RESTORE_ROLE_FILE", value: paths.restoreRole },
            // Not the production restore user's name: the archive's own users are restored into the scratch mongod too.
            { name: "SCRATCH_RESTORE_USER", value: "restore-verification" },
        ],
        toolsConfig: true,
        extraVolumes: [scratch],
    });
    return { backup, uploads, verify };
}

export class BackupSchedules extends pulumi.ComponentResource {
    public readonly backup: k8s.batch.v1.CronJob;
    public readonly verify: k8s.batch.v1.CronJob;
    /** Undefined when uploads are not on a FileSystem volume. */
    public readonly uploads?: k8s.batch.v1.CronJob;

    constructor(name: string, args: BackupSchedulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.BackupSchedules.token, name, {}, withFormerTypes("BackupSchedules", opts));
        const objects = backupCronJobObjects(name, args);
        // Declared in this order (backup, uploads, verify) as before: the order of registration is the render's.
        const declare = (object: typeof objects.backup) =>
            new k8s.batch.v1.CronJob(object.metadata.name, { metadata: object.metadata, spec: object.spec }, childOf(this, opts));
        this.backup = declare(objects.backup);
        this.uploads = objects.uploads && declare(objects.uploads);
        this.verify = declare(objects.verify);

        this.registerOutputs({
            backupCronJob: this.backup.metadata.name,
            verifyCronJob: this.verify.metadata.name,
            uploadsCronJob: this.uploads?.metadata.name,
        });
    }
}
