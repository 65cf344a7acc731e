/**
 * A replica set protects against losing a node, not against a bad migration,
 * a deleted channel or a broken volume: only a dump taken on a schedule
 * does. The backup CronJob is recognised by the recommended label
 * app.kubernetes.io/component=backup, in the namespace of the MongoDB
 * StatefulSet, and must not be suspended, except while a restore runs: a
 * restore Job (label app.kubernetes.io/component=restore) in the same
 * namespace, for which the program pauses the schedules so that no dump runs
 * against a half-restored database (components/backup/backups.ts). The
 * restore is the day the backups are needed; refusing it there (issue 25)
 * would be worse than the pause, which ends with the setting.
 */
import { CronJob, Job } from "@pulumi/kubernetes/batch/v1";
import { componentLabel, isMongoStatefulSet } from "../lib/haWorkloads";
import { namespaceOf, PropsOf } from "../lib/kubernetes";
import { violation } from "../lib/message";
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "../lib/policyTypes";
import { objectsOfType, StackObject } from "../lib/stackObjects";
import { workloadsOf } from "../lib/workloads";

export const backupComponent = "backup";
/** The component label of the program's restore Job (components/backup/restoreJob.ts). */
export const restoreComponent = "restore";

function isBackupCronJob(cronJob: StackObject<PropsOf<typeof CronJob>>): boolean {
    const podLabels = cronJob.props.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
    return (cronJob.props.metadata?.labels?.[componentLabel] ?? podLabels[componentLabel]) === backupComponent;
}

export const mongodbBackupScheduled: StackValidationPolicy = {
    name: "mongodb-backup-scheduled",
    description: "Every MongoDB replica set has a backup CronJob (label app.kubernetes.io/component=backup) in its namespace that is not suspended, unless a restore Job (label app.kubernetes.io/component=restore) runs there.",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const backups = objectsOfType(args.resources, CronJob).filter(isBackupCronJob);
        const restoring = new Set(objectsOfType(args.resources, Job)
            .filter((job) => (job.props.metadata?.labels?.[componentLabel] ?? job.props.spec?.template?.metadata?.labels?.[componentLabel]) === restoreComponent)
            .map((job) => namespaceOf(job.props)));
        for (const mongo of workloadsOf(args.resources).filter(isMongoStatefulSet)) {
            const inNamespace = backups.filter((cronJob) => namespaceOf(cronJob.props) === mongo.namespace);
            if (inNamespace.length === 0) {
                report(violation(
                    `${mongo.title} has no backup CronJob (label ${componentLabel}=${backupComponent}) in its namespace; a replica set does not protect against deleted data or a bad migration.`,
                    "enable backups (rocketchat-ha:backupEnabled=true, the default) so the program declares the mongodump CronJob, or label your own backup CronJob app.kubernetes.io/component=backup.",
                ), mongo.urn);
            } else if (inNamespace.every((cronJob) => cronJob.props.spec?.suspend === true) && !restoring.has(mongo.namespace)) {
                report(violation(
                    `${mongo.title}'s backup CronJob ${inNamespace.map((cronJob) => cronJob.props.metadata?.name).join(", ")} is suspended, so no backup is taken.`,
                    "set spec.suspend to false (or remove it) on the backup CronJob; the program pauses it only while restoreArchive is set.",
                ), inNamespace[0].urn);
            }
        }
    },
};
