/**
 * Restore as code: while the stack names an archive, a Job replays it with its
 * oplog through the replica-set URI. The Job's name carries a digest of the
 * archive and the drop opt-in, so naming another archive runs a new Job while
 * the same setting never runs the same restore twice.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { createHash } from "crypto";
import { rerunUnfinishedJob } from "../podShapes";
import { previousUsernamesEnv } from "../credentialObjects";
import { platformUsernameEnv } from "../mongodb/bootstrapJob";
import { backupLabels, backupPodTemplate, MongoCredentialRef, SharedPodArgs } from "./jobPod";
import { paths } from "./layout";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface RestoreJobArgs {
    /** Namespace of the Job. */
    readonly namespace: string;
    /** Platform instance name, used in labels. */
    readonly instance: string;
    /** Value of app.kubernetes.io/version (the mongo image tag). Defaults to none. */
    readonly version?: string;
    /** File name of the archive in the mongodb directory of the backup volume. */
    readonly archive: string;
    /** Named opt-in to replace existing collections: the archive's are dropped before mongorestore (never --drop, which would replace users and roles). Defaults to false (only missing documents are added). */
    readonly dropExisting?: boolean;
    /** Named opt-in to restore an archive without a .sha256 checksum file. Defaults to false (refused). */
    readonly allowUnchecksummed?: boolean;
    /** Image, scripts, claim, identity and resources shared by every backup pod. */
    readonly pod: SharedPodArgs;
    /** Settings every script reads (lock timing). */
    readonly env: EnvVar[];
    /** Hosts and replica-set name of the target. */
    readonly databaseEnv: EnvVar[];
    /** Labels the MongoDB NetworkPolicy admits. */
    readonly mongodbClientLabels: Record<string, string>;
    /** The restore identity (the user-defined role of components/mongodb/restoreRole.json, which --oplogReplay needs). */
    readonly credentials: MongoCredentialRef;
    /** The previous generation's users kept this run besides the current ones (credentialObjects.ts previousUsernames). Defaults to none. */
    readonly previousUsernames?: readonly string[];
    /** Longest the restore may run, including waiting for a running backup. */
    readonly deadlineSeconds: number;
}

/** The Job name for an archive: a new archive or drop choice means a new Job. */
export function restoreJobName(prefix: string, archive: string, dropExisting: boolean): string {
    const digest = createHash("sha256").update(JSON.stringify({ archive, dropExisting })).digest("hex").slice(0, 10);
    return `${prefix}-restore-${digest}`;
}

/** The restore Job, as a plain object. */
export function restoreJobObject(name: string, args: RestoreJobArgs) {
    const dropExisting = args.dropExisting ?? false;
    const jobName = restoreJobName(name, args.archive, dropExisting);
    const labels = backupLabels(args.instance, "restore", args.version);
    return {
        apiVersion: "batch/v1" as const,
        kind: "Job" as const,
        metadata: {
            name: jobName,
            namespace: args.namespace,
            labels,
            // A restore that failed is run again by the next `pulumi up` while the setting names it
            // (re-running is safe, below), instead of waiting on the failed Job again.
            annotations: { "rocketchat-ha.io/restore-archive": args.archive, ...rerunUnfinishedJob },
        },
        spec: {
            // Re-running is safe (mongorestore skips existing _ids; with the
            // drop opt-in the archive's collections are dropped again; users
            // are merged, then other generations dropped), so a lost node or
            // connection is retried.
            backoffLimit: 2,
            activeDeadlineSeconds: args.deadlineSeconds,
            template: backupPodTemplate({
                ...args.pod,
                script: "restore.sh",
                labels: { ...labels, ...args.mongodbClientLabels },
                credentials: args.credentials,
                env: [
                    ...args.env,
                    ...args.databaseEnv,
                    { name: "RESTORE_ARCHIVE", value: args.archive },
                    { name: "RESTORE_DROP", value: String(dropExisting) },
                    { name: "RESTORE_ALLOW_UNCHECKSUMMED", value: String(args.allowUnchecksummed ?? false) },
                    // The users the restore keeps (restoredIdentities.js): the current ones by name from
                    // the users Secret, as the bootstrap reads them, and a rotation's previous ones.
                    ...platformUsernameEnv(args.credentials.secretName),
                    ...previousUsernamesEnv(args.previousUsernames ?? []),
                    { name: "USER_GENERATIONS_MODULE", value: paths.userGenerations },
                ],
            }),
        },
    };
}

/** How long `pulumi up` waits for the restore: the Job's deadline and ten minutes for scheduling and pulling. */
export function restoreTimeout(deadlineSeconds: number): string {
    return `${Math.ceil(deadlineSeconds / 60) + 10}m`;
}

export class RestoreJob extends pulumi.ComponentResource {
    public readonly job: k8s.batch.v1.Job;
    public readonly jobName: string;

    constructor(name: string, args: RestoreJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.RestoreJob.token, name, {}, withFormerTypes("RestoreJob", opts));
        const object = restoreJobObject(name, args);
        this.jobName = object.metadata.name;
        const timeout = restoreTimeout(args.deadlineSeconds);

        this.job = new k8s.batch.v1.Job(this.jobName, { metadata: object.metadata, spec: object.spec }, {
            // The Job itself must wait for Rocket.Chat at zero and the suspended schedules.
            ...childOf(this, opts),
            // `pulumi up` waits for the restore and fails when it fails.
            customTimeouts: { create: timeout, update: timeout },
            // A Job's pod template cannot change; a changed image or script must
            // not replace (and so re-run) a restore that already ran.
            ignoreChanges: ["spec"],
        });
        this.registerOutputs({ jobName: this.jobName });
    }
}
