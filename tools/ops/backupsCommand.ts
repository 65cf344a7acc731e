/**
 * `ops backups`: the archives on the backup volume, their age against the
 * backup schedule, and the newest restore-test result. Needs the cluster
 * (the volume is only reachable from a pod). Exits 1 when a backup or a
 * restore test is overdue or failed.
 */
import { listBackupVolume } from "./backupListing";
import { assessBackups, formatBackupReport, newestJob, ownedBy, parseListing } from "./backupReport";
import { exitCodes, OpsError } from "./errors";
import { Kubectl } from "./kubectl";
import { loadLayout } from "./stackLayout";
import { OutputsSource } from "./stackOutputs";

export interface BackupsOptions extends OutputsSource {
    readonly context?: string;
    /** Seconds each kubectl call may wait on the apiserver (deadline.ts). */
    readonly timeout: number;
}

export async function backupsCommand(options: BackupsOptions, out: (line: string) => void, now = new Date()): Promise<number> {
    const layout = await loadLayout(options, options.timeout);
    if (!layout.backup) {
        throw new OpsError(`stack ${layout.stack} has no backup schedules (backupEnabled is false)`);
    }
    const kubectl = new Kubectl({ context: options.context, requestTimeoutSeconds: options.timeout });
    const listing = parseListing(await listBackupVolume(kubectl, layout.namespace, layout.mongodb.image, layout.backup.claimName, layout.backup.runAsUser));
    const verifyJobs = ownedBy("CronJob", layout.backup.verifyCronJob, await kubectl.json(["get", "jobs", "-n", layout.namespace]));
    const report = assessBackups({
        listing,
        prefix: layout.backup.archivePrefix,
        schedule: layout.backup.schedule,
        verifySchedule: layout.backup.verifySchedule,
        newestVerifyJob: newestJob(verifyJobs),
        now,
    });
    out(`stack ${layout.stack}, claim ${layout.namespace}/${layout.backup.claimName}`);
    formatBackupReport(report).forEach((line) => out(line));
    return report.healthy ? exitCodes.ok : exitCodes.problemFound;
}
