/**
 * The scheduled Jobs: the database backup, the uploads archive (only when
 * uploads live on a FileSystem volume) and the restore test of the newest
 * archive. All are suspended while a restore is configured, so none starts
 * during a restore.
 */
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { hostnameTopology } from "../podShapes";
import { backupCronJobNames } from "./cronJobNames";
import { paths } from "./layout";
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
    /** Cron schedule of the restore test. */
    readonly verifySchedule: string;
    /** Size limit of the scratch mongod's dbpath; the pod's ephemeral-storage limit is derived from it. */
    readonly scratchSizeLimit: string;
    /** WiredTiger cache of the scratch mongod, in GB. */
    readonly scratchCacheGb: number;
    /** Rocket.Chat's uploads volume. Defaults to none (GridFS keeps uploads in the database dump). */
    readonly uploads?: UploadsSource;
    /** Suspend every schedule, e.g. while a restore is configured. Defaults to false. */
    readonly suspend?: boolean;
    /** Longest a Job may run, including waiting for the lock. */
    readonly deadlineSeconds: number;
}

export class BackupSchedules extends pulumi.ComponentResource {
    public readonly backup: k8s.batch.v1.CronJob;
    public readonly verify: k8s.batch.v1.CronJob;
    /** Undefined when uploads are not on a FileSystem volume. */
    public readonly uploads?: k8s.batch.v1.CronJob;

    constructor(name: string, private readonly args: BackupSchedulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("rocketchat-ha:backup:BackupSchedules", name, {}, opts);

        const names = backupCronJobNames(name);
        this.backup = this.cronJob(names.backup, "backup", args.schedule, 2, {
            script: "backup.sh",
            credentials: args.credentials,
            env: [...args.databaseEnv, { name: "BACKUP_RETENTION", value: String(args.retention) }],
        });

        if (args.uploads) {
            this.uploads = this.cronJob(names.uploads, "backup-uploads", args.schedule, 2, {
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
            });
        }

        // No retries: a failed restore test must stay visible as a failed Job.
        // It needs no database access, so it carries no client labels and no credentials.
        const scratch: ExtraVolume = {
            volume: { name: "scratch", emptyDir: { sizeLimit: args.scratchSizeLimit } },
            mount: { name: "scratch", mountPath: paths.scratch },
        };
        this.verify = this.cronJob(names.verify, "backup-verify", args.verifySchedule, 0, {
            script: "verify.sh",
            env: [
                { name: "SCRATCH_DIR", value: paths.scratch },
                { name: "SCRATCH_CACHE_GB", value: String(args.scratchCacheGb) },
            ],
            extraVolumes: [scratch],
        });

        this.registerOutputs({
            backupCronJob: this.backup.metadata.name,
            verifyCronJob: this.verify.metadata.name,
            uploadsCronJob: this.uploads?.metadata.name,
        });
    }

    private cronJob(
        jobName: string,
        component: string,
        schedule: string,
        backoffLimit: number,
        pod: Pick<BackupPodArgs, "script" | "env" | "credentials" | "extraVolumes" | "supplementalGroups" | "affinity">,
    ): k8s.batch.v1.CronJob {
        const args = this.args;
        const labels = backupLabels(args.instance, component, args.version);
        return new k8s.batch.v1.CronJob(jobName, {
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
                        template: backupPodTemplate({
                            ...args.pod,
                            ...pod,
                            labels: { ...labels, ...(pod.credentials ? args.mongodbClientLabels : {}) },
                            env: [...args.env, ...pod.env],
                        }),
                    },
                },
            },
        }, { parent: this });
    }
}
