/**
 * The state of the backup volume against the schedules, from a listing taken
 * inside the cluster (see backupListing.ts) and the newest restore-test Job.
 * Layout (components/backup/layout.ts): mongodb/<prefix>-<stamp>.archive.gz
 * with .sha256 and .manifest.json beside it (and .verified, .verify-failed
 * or .suspect once known), uploads/..., status/last-{backup,uploads,verify,
 * restore}-success holding "<epoch seconds> <archive>", and
 * status/last-verify-result "<epoch seconds> ok|failed <archive>". Pure.
 */
import { CronExpressionParser } from "cron-parser";
import { asFiveFields } from "../../components/kubernetesCron";

export interface ListedFile {
    /** Path relative to the volume, e.g. mongodb/rocketchat-20261128T021500Z.archive.gz. */
    readonly path: string;
    readonly bytes: number;
    /** Modification time, epoch seconds. */
    readonly mtime: number;
}

export interface VolumeListing {
    readonly files: readonly ListedFile[];
    /** status/<name> -> its content. */
    readonly status: ReadonlyMap<string, string>;
}

export interface VerifyJobState {
    readonly name: string;
    /** "succeeded", "failed" or "running". */
    readonly outcome: string;
    readonly finishedAt?: string;
}

/** What is known of an archive from the files beside it (see components/backup/scripts/catalogue.js). */
export type ArchiveState = "verified" | "suspect" | "verify-failed" | "unverified";

export interface BackupReport {
    readonly archives: readonly { readonly name: string; readonly bytes: number; readonly ageHours: number; readonly complete: boolean; readonly state: ArchiveState }[];
    readonly findings: readonly string[];
    readonly healthy: boolean;
}

/**
 * Parses the listing script's output: `file <mtime> <bytes> <path>` and
 * `status <name> <content>` lines; anything else (kubectl chatter) is ignored.
 */
export function parseListing(output: string): VolumeListing {
    const files: ListedFile[] = [];
    const status = new Map<string, string>();
    for (const line of output.split("\n")) {
        const file = /^file (\d+) (\d+) (\S+)$/.exec(line.trim());
        const state = /^status (\S+) (.*)$/.exec(line.trim());
        if (file) {
            files.push({ mtime: Number(file[1]), bytes: Number(file[2]), path: file[3] });
        } else if (state) {
            status.set(state[1], state[2]);
        }
    }
    return { files, status };
}

/** When the schedule last fired at or before `at` (cluster time zone taken as UTC). */
export function lastFire(schedule: string, at: Date): Date {
    return CronExpressionParser.parse(asFiveFields(schedule), { currentDate: at, tz: "UTC" }).prev().toDate();
}

const hours = (ms: number) => Math.round(ms / 360000) / 10;

/** "<epoch seconds> <detail>" from a status file. */
function parseMark(content: string | undefined): { at: Date; detail: string } | undefined {
    const match = content === undefined ? null : /^(\d+) ?(.*)$/.exec(content.trim());
    return match ? { at: new Date(Number(match[1]) * 1000), detail: match[2] } : undefined;
}

/**
 * Verdicts: the newest complete archive must be newer than the backup
 * schedule's last fire before `now - grace` (a run takes time), and the last
 * successful restore test newer than the verify schedule's; a failed newest
 * restore-test Job is a problem whatever the file says.
 */
export function assessBackups(args: {
    readonly listing: VolumeListing;
    readonly prefix: string;
    readonly schedule: string;
    readonly verifySchedule: string;
    readonly newestVerifyJob?: VerifyJobState;
    readonly now: Date;
    /** How long a run may take before it counts as missed. Defaults to 2 hours. */
    readonly graceHours?: number;
}): BackupReport {
    const grace = (args.graceHours ?? 2) * 3600 * 1000;
    const paths = new Set(args.listing.files.map((f) => f.path));
    const pattern = new RegExp(`^mongodb/(${args.prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d{8}T\\d{6}Z\\.archive\\.gz)$`);
    const archives = args.listing.files
        .map((f) => ({ file: f, match: pattern.exec(f.path) }))
        .filter((a) => a.match)
        .map(({ file, match }) => ({
            name: match![1],
            bytes: file.bytes,
            mtime: file.mtime,
            ageHours: hours(args.now.getTime() - file.mtime * 1000),
            complete: paths.has(`${file.path}.sha256`) && paths.has(`${file.path}.manifest.json`),
            state: (paths.has(`${file.path}.suspect`) ? "suspect"
                : paths.has(`${file.path}.verify-failed`) ? "verify-failed"
                : paths.has(`${file.path}.verified`) ? "verified" : "unverified") as ArchiveState,
        }))
        .sort((a, b) => b.name.localeCompare(a.name));

    const findings: string[] = [];
    let healthy = true;
    const newest = archives.find((a) => a.complete);
    const dueBackup = lastFire(args.schedule, new Date(args.now.getTime() - grace));
    if (!newest) {
        healthy = false;
        findings.push("no complete archive (with checksum and manifest) on the backup volume");
    } else if (newest.mtime * 1000 < dueBackup.getTime()) {
        healthy = false;
        findings.push(`newest archive ${newest.name} is ${newest.ageHours} h old: the run due at ${dueBackup.toISOString()} (schedule '${args.schedule}') left no archive`);
    } else {
        findings.push(`newest archive ${newest.name} is ${newest.ageHours} h old, within schedule '${args.schedule}'`);
    }
    const incomplete = archives.filter((a) => !a.complete);
    if (incomplete.length > 0) {
        findings.push(`without checksum or manifest (never restore these): ${incomplete.map((a) => a.name).join(", ")}`);
    }
    const suspect = archives.filter((a) => a.state === "suspect");
    if (suspect.length > 0) {
        healthy = false;
        findings.push(`suspect (no application document, or far smaller than the newest verified archive; kept, not counted by retention; see their .suspect files): ${suspect.map((a) => a.name).join(", ")}`);
    }
    const lastResult = /^\d+ (ok|failed) (\S+)/.exec(args.listing.status.get("last-verify-result")?.trim() ?? "");
    if (lastResult?.[1] === "failed") {
        healthy = false;
        findings.push(`the most recent restore test failed (${lastResult[2]}): retention prunes nothing until one succeeds`);
    }

    const verified = parseMark(args.listing.status.get("last-verify-success"));
    const dueVerify = lastFire(args.verifySchedule, new Date(args.now.getTime() - grace));
    if (!verified) {
        healthy = false;
        findings.push("no restore test has succeeded yet (status/last-verify-success is absent)");
    } else if (verified.at.getTime() < dueVerify.getTime()) {
        healthy = false;
        findings.push(`last successful restore test (${verified.detail}) was at ${verified.at.toISOString()}, before the run due at ${dueVerify.toISOString()} (schedule '${args.verifySchedule}')`);
    } else {
        findings.push(`last successful restore test: ${verified.detail} at ${verified.at.toISOString()}`);
    }
    if (args.newestVerifyJob) {
        const job = args.newestVerifyJob;
        if (job.outcome === "failed") {
            healthy = false;
        }
        findings.push(`newest restore-test Job ${job.name}: ${job.outcome}${job.finishedAt ? ` at ${job.finishedAt}` : ""}`);
    }
    return { archives: archives.map(({ name, bytes, ageHours, complete, state }) => ({ name, bytes, ageHours, complete, state })), findings, healthy };
}

/** The items of a `kubectl get -o json` list that `kind` `name` owns (a CronJob owns the Jobs it starts). */
export function ownedBy(kind: string, name: string, list: { items?: any[] }): { items: any[] } {
    return { items: (list.items ?? []).filter((item) => (item.metadata?.ownerReferences ?? []).some((owner: any) => owner.kind === kind && owner.name === name)) };
}

/** The newest Job of a `kubectl get jobs -o json` list, with its outcome. */
export function newestJob(jobList: { items?: any[] }): VerifyJobState | undefined {
    const items = [...(jobList.items ?? [])].sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
    const job = items[0];
    if (!job) {
        return undefined;
    }
    const conditions: any[] = job.status?.conditions ?? [];
    const done = conditions.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
    return {
        name: job.metadata.name,
        outcome: done ? (done.type === "Complete" ? "succeeded" : "failed") : "running",
        finishedAt: job.status?.completionTime ?? done?.lastTransitionTime,
    };
}

export function formatBackupReport(report: BackupReport): string[] {
    const rows = report.archives.map((a) => `  ${a.name}  ${(a.bytes / 2 ** 20).toFixed(1)} MiB  ${a.ageHours} h  ${a.complete ? a.state : "INCOMPLETE"}`);
    return [
        `backups: ${report.healthy ? "OK" : "PROBLEM"}`,
        "",
        `archives (${report.archives.length}):`,
        ...(rows.length > 0 ? rows : ["  none"]),
        "",
        ...report.findings.map((f) => `- ${f}`),
    ];
}
