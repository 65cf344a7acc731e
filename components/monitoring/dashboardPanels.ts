/**
 * The platform's dashboard: Rocket.Chat requests and pods, the replica set's
 * state and lag, and the age of the last good backup and restore test. Panels
 * that mirror an alert use the alert's own expression and threshold.
 */
import { allowedAgeSeconds } from "./cronInterval";
import { expressions, MonitoredObjects } from "./expressions";
import { DashboardDefinition, PanelDefinition, RowDefinition } from "./grafanaModel";
import { selector } from "./promql";

export interface DashboardArgs {
    readonly objects: MonitoredObjects;
    /** Seconds of replication lag the alert fires at (drawn as the red threshold). */
    readonly replicationLagSeconds: number;
    /** Allowed backup and restore-test ages, as the alerts compute them. Defaults to none (backups off). */
    readonly backupAllowedAge?: { readonly schedule: string; readonly verifySchedule: string; readonly graceMinutes: number };
}

/** replSetGetStatus myState / members[].state values (MongoDB replica set member states). */
const memberStates: Record<number, string> = {
    0: "STARTUP", 1: "PRIMARY", 2: "SECONDARY", 3: "RECOVERING", 5: "STARTUP2", 6: "UNKNOWN", 7: "ARBITER", 8: "DOWN", 9: "ROLLBACK", 10: "REMOVED",
};

function rocketchatRow(o: MonitoredObjects): RowDefinition {
    const x = expressions(o);
    const ns = { namespace: o.namespace };
    const app = { ...ns, job: o.scrapeJobs.rocketchat };
    const rate = (series: Parameters<typeof selector>[0]) => `rate(${selector(series, app)}[5m])`;
    const panels: PanelDefinition[] = [
        {
            title: "REST API requests by status",
            kind: "timeseries",
            unit: "reqps",
            description: "Requests per second to /api, by HTTP status. A rise of 5xx is the first sign users notice.",
            queries: [{ expr: `sum by (status) (${rate("rocketchat_rest_api_count")})`, legend: "{{status}}" }],
        },
        {
            title: "REST API mean response time",
            kind: "timeseries",
            unit: "s",
            description: "Mean time per REST request over 5 minutes, per pod.",
            queries: [{
                expr: `sum by (pod) (${rate("rocketchat_rest_api_sum")}) / sum by (pod) (${rate("rocketchat_rest_api_count")})`,
                legend: "{{pod}}",
            }],
        },
        {
            title: "Rocket.Chat pods available",
            kind: "timeseries",
            description: "Pods ready versus wanted (RocketChatPodsNotReady fires when they differ), and the autoscaler's current and maximum count.",
            queries: [
                { expr: x.rocketchatPodsAvailable, legend: "available" },
                { expr: x.rocketchatPodsWanted, legend: "wanted" },
                ...(x.autoscalerCurrent && x.autoscalerMaximum
                    ? [{ expr: x.autoscalerCurrent, legend: "autoscaler current" }, { expr: x.autoscalerMaximum, legend: "autoscaler maximum" }]
                    : []),
            ],
        },
        {
            title: "Connected users and sessions",
            kind: "timeseries",
            description: "Unique signed-in users and open real-time (DDP) sessions, summed over pods.",
            queries: [
                { expr: `sum(${selector("rocketchat_ddp_connected_users", app)})`, legend: "users" },
                { expr: `sum(${selector("rocketchat_ddp_sessions_count", app)})`, legend: "sessions" },
            ],
        },
        {
            title: "Event loop lag",
            kind: "timeseries",
            unit: "s",
            description: "Node.js event-loop lag per pod; above a few hundred milliseconds every user of that pod waits.",
            queries: [{ expr: `max by (pod) (${selector("nodejs_eventloop_lag_seconds", app)})`, legend: "{{pod}}" }],
            width: 8,
        },
        {
            title: "Memory per pod",
            kind: "timeseries",
            unit: "bytes",
            description: "Resident memory of each Rocket.Chat process; compare with rocketchatMemoryLimit.",
            queries: [{ expr: `max by (pod) (${selector("process_resident_memory_bytes", app)})`, legend: "{{pod}}" }],
            width: 8,
        },
        {
            title: "Container restarts (1h)",
            kind: "timeseries",
            description: "Restarts of the Rocket.Chat container in the last hour, per pod: liveness failures or out-of-memory kills.",
            queries: [{
                expr: `sum by (pod) (increase(${selector("kube_pod_container_status_restarts_total", { ...ns, container: "rocketchat" })}[1h]))`,
                legend: "{{pod}}",
            }],
            width: 8,
        },
    ];
    return { title: "Rocket.Chat: requests and pods", panels };
}

function mongodbRow(o: MonitoredObjects, lagThreshold: number): RowDefinition {
    const x = expressions(o);
    const ns = { namespace: o.namespace };
    return {
        title: "MongoDB replica set",
        panels: [
            {
                title: "Member state",
                kind: "stat",
                description: "Each member's own replica-set state: one PRIMARY, the others SECONDARY.",
                queries: [{ expr: `max by (instance) (${selector("mongodb_myState", ns)})`, legend: "{{instance}}" }],
                valueNames: memberStates,
                width: 8,
            },
            {
                title: "Members reachable",
                kind: "stat",
                description: "1 when the exporter reaches the member (MongoReplicaSetMemberDown fires on 0).",
                queries: [{ expr: x.memberReachable, legend: "{{instance}}" }],
                valueNames: { 0: "DOWN", 1: "UP" },
                width: 8,
            },
            {
                title: "Primaries",
                kind: "stat",
                description: "Members reporting PRIMARY: exactly 1 is healthy (MongoReplicaSetNoPrimary fires on 0).",
                queries: [{ expr: x.primaries, legend: "primaries" }],
                width: 8,
            },
            {
                title: "Replication lag",
                kind: "timeseries",
                unit: "s",
                redFrom: lagThreshold,
                description: `Seconds each secondary trails the primary; MongoReplicationLagHigh fires above ${lagThreshold}s.`,
                queries: [{ expr: x.replicationLagSeconds, legend: "{{member_idx}}" }],
            },
            {
                title: "Connections and operations",
                kind: "timeseries",
                description: "Open client connections per member, and operations per second by type across the set.",
                queries: [
                    { expr: `sum by (instance) (${selector("mongodb_ss_connections", { ...ns, conn_type: "current" })})`, legend: "connections {{instance}}" },
                    { expr: `sum by (legacy_op_type) (rate(${selector("mongodb_ss_opcounters", ns)}[5m]))`, legend: "{{legacy_op_type}}/s" },
                ],
            },
        ],
    };
}

function backupRow(o: MonitoredObjects, allowed: NonNullable<DashboardArgs["backupAllowedAge"]>): RowDefinition {
    const x = expressions(o);
    const jobs = o.backupCronJobs!;
    const agePanel = (title: string, cronjob: string, schedule: string): PanelDefinition => {
        const limit = allowedAgeSeconds(schedule, allowed.graceMinutes);
        return {
            title,
            kind: "stat",
            unit: "s",
            redFrom: limit,
            description: `Time since CronJob ${cronjob} last succeeded; red beyond ${limit}s, where its alert fires.`,
            queries: [{ expr: x.lastSuccessAgeSeconds(cronjob), legend: cronjob }],
        };
    };
    return {
        title: "Backups",
        panels: [
            agePanel("Age of the last good backup", jobs.backup, allowed.schedule),
            agePanel("Age of the last passed restore test", jobs.verify, allowed.verifySchedule),
        ],
    };
}

/** The dashboard of one stack. */
export function platformDashboard(args: DashboardArgs): DashboardDefinition {
    const o = args.objects;
    const rows = [rocketchatRow(o), mongodbRow(o, args.replicationLagSeconds)];
    if (o.backupCronJobs && args.backupAllowedAge) {
        rows.push(backupRow(o, args.backupAllowedAge));
    }
    return {
        uid: `rocketchat-ha-${o.namespace}`.slice(0, 40),
        title: `Rocket.Chat HA (${o.namespace})`,
        tags: ["rocketchat-ha", "rocketchat", "mongodb"],
        rows,
    };
}
