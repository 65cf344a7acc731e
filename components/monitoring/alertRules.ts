/**
 * The alerts, as Prometheus rule groups with runbook text. Pure: names and
 * thresholds in, rule groups out; monitoring.ts wraps them in a
 * PrometheusRule and docs/monitoring.md explains each one at length.
 */
import { allowedAgeSeconds, describeSeconds } from "./cronInterval";
import { expressions, MonitoredObjects } from "./expressions";

export interface AlertThresholds {
    /** Seconds a secondary may trail the primary. */
    readonly replicationLagSeconds: number;
    /** Minutes a member may be down, the set without primary, or Rocket.Chat pods unready. */
    readonly notReadyMinutes: number;
    /** Minutes the autoscaler may sit at its maximum. */
    readonly autoscalerMaxedMinutes: number;
    /** Minutes beyond the longest schedule gap that a last success may be old. */
    readonly backupGraceMinutes: number;
}

export interface AlertRulesArgs {
    readonly objects: MonitoredObjects;
    readonly thresholds: AlertThresholds;
    /** Cron schedules of the backup and the restore test; required when objects.backupCronJobs is set. */
    readonly backupSchedules?: { readonly backup: string; readonly verify: string };
}

export type Severity = "critical" | "warning";

export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    /** How long the condition must hold, e.g. "5m". */
    readonly for: string;
    readonly labels: { readonly severity: Severity };
    readonly annotations: {
        /** One line for the notification title. */
        readonly summary: string;
        /** What is wrong and what it means for users. */
        readonly description: string;
        /** What to do, in order. */
        readonly runbook: string;
    };
}

export interface RuleGroup {
    readonly name: string;
    readonly rules: AlertRule[];
}

const minutes = (count: number) => `${count}m`;
const docs = "docs/monitoring.md";

function rule(alert: string, severity: Severity, expr: string, holdFor: string, text: AlertRule["annotations"]): AlertRule {
    return { alert, expr, for: holdFor, labels: { severity }, annotations: { ...text, runbook: `${text.runbook} (${docs}#${alert.toLowerCase()})` } };
}

function mongodbRules(o: MonitoredObjects, t: AlertThresholds): AlertRule[] {
    const x = expressions(o);
    const hold = minutes(t.notReadyMinutes);
    return [
        rule("MongoReplicaSetMemberDown", "warning", `(${x.memberReachable} == 0) or (${x.memberHealthSeenByPeers} == 0)`, hold, {
            summary: "MongoDB member {{ $labels.instance }}{{ $labels.member_idx }} is down in {{ $labels.namespace }}",
            description: `A replica-set member has been unreachable or reported unhealthy by its peers for ${hold}. Writes continue while a majority is up; one more failure in a 3-member set stops them.`,
            runbook: `kubectl -n ${o.namespace} get pods -l app.kubernetes.io/name=mongodb; describe the member's pod (Pending: node or volume; CrashLoopBackOff: kubectl logs --previous); once it runs, it rejoins and catches up by itself.`,
        }),
        rule("MongoReplicaSetNoPrimary", "critical", `(${x.primaries} == 0) or (${x.allMembersUnreachable})`, hold, {
            summary: "MongoDB replica set in {{ $labels.namespace }} has no primary",
            description: `No member has been PRIMARY for ${hold}: Rocket.Chat cannot write (messages fail to send).`,
            runbook: `Check MongoReplicaSetMemberDown first: a majority of members must be up to elect a primary. rs.status() on ${o.mongodbStatefulSet}-0 shows each member's state; bring members back rather than forcing a reconfig.`,
        }),
        rule("MongoReplicationLagHigh", "warning", `${x.replicationLagSeconds} > ${t.replicationLagSeconds}`, hold, {
            summary: "MongoDB member {{ $labels.member_idx }} is {{ $value | humanizeDuration }} behind the primary",
            description: `A secondary has trailed the primary by more than ${t.replicationLagSeconds}s for ${hold}. Majority writes wait for it, and a failover to it would lose nothing but take longer.`,
            runbook: "Look at the member's CPU, memory and disk latency (a slow volume is the usual cause) and at bulk writes or index builds on the primary; if it falls off the oplog window it needs an initial sync (delete its PVC and pod).",
        }),
    ];
}

function rocketchatRules(o: MonitoredObjects, t: AlertThresholds): AlertRule[] {
    const x = expressions(o);
    const hold = minutes(t.notReadyMinutes);
    const rules = [
        rule("RocketChatPodsNotReady", "warning", `${x.rocketchatPodsMissing} > 0`, hold, {
            summary: "{{ $value }} Rocket.Chat pod(s) not ready in {{ $labels.namespace }}",
            description: `Fewer Rocket.Chat pods than wanted have been ready for ${hold}; the others carry their users.`,
            runbook: `kubectl -n ${o.namespace} get pods -l app.kubernetes.io/name=rocketchat: Pending means no node fits (required anti-affinity needs one node per pod); not ready means /readyz fails, usually MongoDB (see the MongoDB alerts) or a migration still running (kubectl logs).`,
        }),
    ];
    if (x.autoscalerCurrent && x.autoscalerMaximum) {
        const hold = minutes(t.autoscalerMaxedMinutes);
        rules.push(rule("RocketChatAutoscalerAtMaximum", "warning", `${x.autoscalerCurrent} >= ${x.autoscalerMaximum}`, hold, {
            summary: "Rocket.Chat autoscaler in {{ $labels.namespace }} has been at its maximum for " + hold,
            description: "The autoscaler wants more pods than autoscalingMaxReplicas allows; CPU stays above target and responses slow down.",
            runbook: "Raise autoscalingMaxReplicas (at most schedulableNodes under required anti-affinity: add nodes first) or rocketchatCpuLimit; look for a runaway integration or bot in the request panels.",
        }));
    }
    return rules;
}

function scrapeRules(o: MonitoredObjects, t: AlertThresholds): AlertRule[] {
    const x = expressions(o);
    const hold = minutes(t.notReadyMinutes);
    return [
        rule("RocketChatMonitoringTargetDown", "warning",
            `(${x.scrapeUp(o.scrapeJobs.rocketchat)} == 0) or (${x.scrapeUp(o.scrapeJobs.mongodbExporter)} == 0)`, hold, {
                summary: "Prometheus cannot scrape {{ $labels.job }} ({{ $labels.instance }}) in {{ $labels.namespace }}",
                description: `A metrics endpoint has not answered for ${hold}; the alerts that read it are blind meanwhile.`,
                runbook: `kubectl -n ${o.namespace} get pods,endpoints for the job; check the NetworkPolicy admits the monitoring namespace, and the exporter's logs for authentication errors (the monitoring user is created by the bootstrap Job).`,
            }),
    ];
}

function backupRules(o: MonitoredObjects, t: AlertThresholds, schedules: NonNullable<AlertRulesArgs["backupSchedules"]>): AlertRule[] {
    const x = expressions(o);
    const jobs = o.backupCronJobs!;
    const overdue = (name: string, severity: Severity, cronjob: string, schedule: string, what: string, runbook: string) => {
        const allowed = allowedAgeSeconds(schedule, t.backupGraceMinutes);
        return rule(name, severity, `((${x.lastSuccessAgeSeconds(cronjob)}) > ${allowed}) or ((${x.neverSucceededAgeSeconds(cronjob)}) > ${allowed})`, "5m", {
            summary: `The last good ${what} in {{ $labels.namespace }} is older than ${describeSeconds(allowed)}`,
            description: `CronJob ${cronjob} runs on '${schedule}', so a successful run is due at least every ${describeSeconds(allowed - t.backupGraceMinutes * 60)} (plus ${t.backupGraceMinutes}m grace); none succeeded for longer.`,
            runbook,
        });
    };
    return [
        overdue("MongoBackupTooOld", "critical", jobs.backup, schedules.backup, "database backup",
            `kubectl -n ${o.namespace} get cronjob,jobs -l app.kubernetes.io/name=mongodb-backup; kubectl logs job/<newest ${jobs.backup} job>. Suspended (restoreArchive set)? Clear it after the restore. Failed? Fix the cause (volume full, replica set down) and start a run now: kubectl create job --from=cronjob/${jobs.backup} ${jobs.backup}-manual.`),
        rule("MongoBackupVerificationFailed", "critical", x.lastRunFailed(jobs.verify), "1m", {
            summary: "The last restore test of a backup failed in {{ $labels.namespace }}",
            description: `The newest Job of CronJob ${jobs.verify} failed after its last success: the newest archive may not restore.`,
            runbook: `kubectl -n ${o.namespace} logs job/<failed ${jobs.verify} job>: a checksum mismatch or failed mongorestore means the archive is bad; take a fresh backup (kubectl create job --from=cronjob/${jobs.backup} ...), then rerun the test (kubectl create job --from=cronjob/${jobs.verify} ...). Keep the older archives until a test passes.`,
        }),
        overdue("MongoBackupVerificationTooOld", "warning", jobs.verify, schedules.verify, "restore test",
            `kubectl -n ${o.namespace} get cronjob ${jobs.verify} and its Jobs: a test that never runs cannot fail either. Start one: kubectl create job --from=cronjob/${jobs.verify} ${jobs.verify}-manual.`),
    ];
}

/** Every alert rule of the stack, grouped by what it watches. */
export function alertRuleGroups(args: AlertRulesArgs): RuleGroup[] {
    const { objects, thresholds } = args;
    const groups: RuleGroup[] = [
        { name: "rocketchat-ha.mongodb", rules: mongodbRules(objects, thresholds) },
        { name: "rocketchat-ha.rocketchat", rules: rocketchatRules(objects, thresholds) },
        { name: "rocketchat-ha.scrape", rules: scrapeRules(objects, thresholds) },
    ];
    if (objects.backupCronJobs) {
        if (!args.backupSchedules) {
            throw new Error("alertRuleGroups: backupSchedules are required with backupCronJobs");
        }
        groups.push({ name: "rocketchat-ha.backups", rules: backupRules(objects, thresholds, args.backupSchedules) });
    }
    return groups;
}
