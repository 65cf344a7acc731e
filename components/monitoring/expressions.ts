/**
 * The PromQL both the alerts and the dashboard read, so a panel shows exactly
 * what an alert judges. Every selector is scoped to the stack's namespace:
 * one Prometheus usually scrapes several stacks.
 */
import { selector } from "./promql";

/** What the expressions look at, by name. */
export interface MonitoredObjects {
    /** Namespace of the stack (the `namespace` label of every series here). */
    readonly namespace: string;
    /** The Rocket.Chat Deployment. */
    readonly rocketchatDeployment: string;
    /** The Rocket.Chat HorizontalPodAutoscaler. Defaults to none (fixed replica count). */
    readonly autoscaler?: string;
    /** The MongoDB StatefulSet. */
    readonly mongodbStatefulSet: string;
    /** Prometheus `job` label of each scrape target (the ServiceMonitor's Service name). */
    readonly scrapeJobs: { readonly rocketchat: string; readonly mongodbExporter: string };
    /** The backup and restore-test CronJobs. Defaults to none (backups off). */
    readonly backupCronJobs?: { readonly backup: string; readonly verify: string };
}

export function expressions(o: MonitoredObjects) {
    const ns = { namespace: o.namespace };
    const deployment = { ...ns, deployment: o.rocketchatDeployment };
    const optime = (memberState: string) => selector("mongodb_members_optimeDate", { ...ns, member_state: memberState });
    return {
        /** 0 for a member the exporter cannot reach, per member (instance = member host:port). */
        memberReachable: `min by (namespace, instance) (${selector("mongodb_up", ns)})`,
        /** 0 for a member its peers see as down (replSetGetStatus members[].health), per member. */
        memberHealthSeenByPeers: `min by (namespace, member_idx) (${selector("mongodb_members_health", ns)})`,
        /** How many members report themselves PRIMARY (myState 1). */
        primaries: `sum by (namespace) (${selector("mongodb_myState", ns)} == bool 1)`,
        /** 1 while no member at all is reachable. */
        allMembersUnreachable: `max by (namespace) (${selector("mongodb_up", ns)}) == 0`,
        /** Seconds each secondary's last applied operation trails the primary's (optimeDate is in milliseconds). */
        replicationLagSeconds:
            `(max by (namespace) (${optime("PRIMARY")}) - on (namespace) group_right () ` +
            `max by (namespace, member_idx) (${optime("SECONDARY")})) / 1000`,
        /** Rocket.Chat pods wanted but not available (ready for minReadySeconds). */
        rocketchatPodsMissing:
            `${selector("kube_deployment_spec_replicas", deployment)} - ${selector("kube_deployment_status_replicas_available", deployment)}`,
        rocketchatPodsAvailable: selector("kube_deployment_status_replicas_available", deployment),
        rocketchatPodsWanted: selector("kube_deployment_spec_replicas", deployment),
        autoscalerCurrent: o.autoscaler
            ? selector("kube_horizontalpodautoscaler_status_current_replicas", { ...ns, horizontalpodautoscaler: o.autoscaler })
            : undefined,
        autoscalerMaximum: o.autoscaler
            ? selector("kube_horizontalpodautoscaler_spec_max_replicas", { ...ns, horizontalpodautoscaler: o.autoscaler })
            : undefined,
        /** 0 for a scrape target Prometheus cannot reach. */
        scrapeUp: (job: string) => selector("up", { ...ns, job }),
        /** Seconds since the CronJob's last successful Job completed. */
        lastSuccessAgeSeconds: (cronjob: string) =>
            `time() - ${selector("kube_cronjob_status_last_successful_time", { ...ns, cronjob })}`,
        /** Seconds since the CronJob was created, only while it has never succeeded. */
        neverSucceededAgeSeconds: (cronjob: string) =>
            `(time() - ${selector("kube_cronjob_created", { ...ns, cronjob })}) ` +
            `unless on (namespace, cronjob) ${selector("kube_cronjob_status_last_successful_time", { ...ns, cronjob })}`,
        /**
         * Start time of the newest failed Job of the CronJob when it is newer
         * than the CronJob's last success: the last run failed.
         */
        lastRunFailed: (cronjob: string) => {
            const failedRunStarts =
                `max by (namespace) (${selector("kube_job_status_start_time", ns)} ` +
                `and on (namespace, job_name) (${selector("kube_job_failed", { ...ns, condition: "true" })} == 1) ` +
                `and on (namespace, job_name) ${selector("kube_job_owner", { ...ns, owner_kind: "CronJob", owner_name: cronjob })})`;
            const lastSuccess = `max by (namespace) (${selector("kube_cronjob_status_last_successful_time", { ...ns, cronjob })})`;
            return `(${failedRunStarts} > on (namespace) ${lastSuccess}) or (${failedRunStarts} unless on (namespace) ${lastSuccess})`;
        },
    };
}

export type Expressions = ReturnType<typeof expressions>;
