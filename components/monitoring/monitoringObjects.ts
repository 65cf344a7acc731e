/**
 * Observability of one stack as plain Kubernetes objects: the MongoDB
 * exporter (mongodbExporterObjects.ts), a headless metrics Service for
 * Rocket.Chat's Prometheus endpoint, the Grafana dashboard ConfigMap and,
 * where the Prometheus Operator runs, two ServiceMonitors and a PrometheusRule
 * with the alerts. Rocket.Chat's endpoint itself is switched on by the
 * RocketChat component (environment.ts); see docs/monitoring.md.
 *
 * Pure: the users Secret's name enters as V; everything else comes from args.
 * monitoringArgsFromSettings maps the stack's settings onto the args.
 */
import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IService } from "kubernetes-models/v1/Service";
import { backupCronJobNames } from "../backup/cronJobNames";
import { recordFromPairs } from "../keyValuePairs";
import { standardLabels } from "../labels";
import { placementFor } from "../placement";
import type { Settings } from "../settings";
import { alertRuleGroups, AlertThresholds } from "./alertRules";
import { platformDashboard } from "./dashboardPanels";
import { MonitoredObjects } from "./expressions";
import { grafanaDashboard } from "./grafanaModel";
import {
    defaultScraperNamespace, mongoExporterName, mongoExporterObjects, MongoExporterObjectArgs, MongoExporterObjects, mongoExporterServiceLabels, scrapeAllPath,
} from "./mongodbExporterObjects";
import type { SecretCredentials } from "../podShapes";

/** How often Prometheus scrapes; the exporter answers for every member in one request. */
const scrapeInterval = "30s";

/** Defaults of the optional args: the monitoring* settings' defaults in Pulumi.yaml (a test keeps them equal). */
export const monitoringDefaults = {
    /** monitoringRocketchatPort */
    rocketchatMetricsPort: 9458,
    /** monitoringReplicationLagSeconds, monitoringNotReadyMinutes, monitoringAutoscalerMaxedMinutes, monitoringBackupGraceMinutes */
    thresholds: { replicationLagSeconds: 60, notReadyMinutes: 5, autoscalerMaxedMinutes: 30, backupGraceMinutes: 120 } as AlertThresholds,
    /** monitoringDashboardName */
    dashboardName: "rocketchat-ha-dashboard",
    /** monitoringDashboardLabel */
    dashboardSidecarLabel: { grafana_dashboard: "1" } as Record<string, string>,
} as const;

export interface MonitoringObjectArgs<V = never> {
    /** Namespace of the stack. */
    readonly namespace: string;
    /** Namespace Prometheus runs in; the only one admitted to the metrics ports. Defaults to "monitoring" (monitoringNamespace). */
    readonly scraperNamespace?: string;
    /** The MongoDB exporter's image, members, credentials and placement. */
    readonly exporter: Omit<MongoExporterObjectArgs<V>, "namespace" | "scraperNamespace">;
    /** Rocket.Chat's pods and the port of their Prometheus endpoint (port defaults to 9458, monitoringRocketchatPort). */
    readonly rocketchat: { readonly selector: Record<string, string>; readonly metricsPort?: number };
    /** Names of what the alerts and the dashboard watch (scrape jobs are filled in here). */
    readonly watched: Omit<MonitoredObjects, "namespace" | "scrapeJobs">;
    /** Cron schedules of the backup and restore test; required with watched.backupCronJobs. */
    readonly backupSchedules?: { readonly backup: string; readonly verify: string };
    /** Alert thresholds. Each defaults to its monitoring* setting's default (see monitoringDefaults). */
    readonly thresholds?: Partial<AlertThresholds>;
    /** Declare ServiceMonitors and the PrometheusRule (monitoring.coreos.com/v1). Defaults to false (monitoringPrometheusOperator). */
    readonly prometheusOperator?: boolean;
    /** Labels the Prometheus selects ServiceMonitors and PrometheusRules by. Defaults to none (monitoringSelectorLabels). */
    readonly selectorLabels?: Record<string, string>;
    /**
     * The dashboard ConfigMap: its name (defaults to rocketchat-ha-dashboard), namespace (defaults to `namespace`)
     * and the label the Grafana sidecar watches (defaults to grafana_dashboard=1). Defaults to all three defaults.
     */
    readonly dashboard?: { readonly name?: string; readonly namespace?: string; readonly sidecarLabel?: Record<string, string> };
}

export interface MonitoringObjects<V = never> {
    readonly exporter: MongoExporterObjects<V>;
    /** Headless Service over Rocket.Chat's metrics port: the `rocketchat` scrape job. */
    readonly rocketchatMetricsService: IService;
    /** Rocket.Chat's, then the exporter's; none without the Prometheus Operator. */
    readonly serviceMonitors: IServiceMonitor[];
    /** The alerts; undefined without the Prometheus Operator. */
    readonly prometheusRule?: IPrometheusRule;
    /** The Grafana dashboard for the sidecar. */
    readonly dashboard: IConfigMap;
}

/** Prometheus job of Rocket.Chat's metrics: the metrics Service's name. */
export function rocketchatMetricsJob(name: string): string {
    return `${name}-metrics`;
}

/** Name of the PrometheusRule with the alerts. */
export function alertsRuleName(name: string): string {
    return `${name}-alerts`;
}

export function monitoringObjects<V = never>(name: string, args: MonitoringObjectArgs<V>): MonitoringObjects<V> {
    const namespace = args.namespace;
    const labels = standardLabels({ instance: name, name: "monitoring", component: "monitoring" });
    const thresholds: AlertThresholds = { ...monitoringDefaults.thresholds, ...args.thresholds };
    const exporterArgs = { ...args.exporter, namespace, scraperNamespace: args.scraperNamespace ?? defaultScraperNamespace };
    const exporter = mongoExporterObjects(name, exporterArgs);
    const exporterJob = mongoExporterName(name);

    // Headless: Prometheus scrapes each pod; nothing should load-balance or route to this port.
    const rocketchatJob = rocketchatMetricsJob(name);
    const rocketchatServiceLabels = { ...labels, "rocketchat-ha.io/metrics": rocketchatJob };
    const rocketchatMetricsService: IService = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: rocketchatJob, namespace, labels: rocketchatServiceLabels },
        spec: {
            clusterIP: "None",
            selector: args.rocketchat.selector,
            ports: [{ name: "metrics", port: args.rocketchat.metricsPort ?? monitoringDefaults.rocketchatMetricsPort, targetPort: "metrics" }],
        },
    };

    const watched: MonitoredObjects = { ...args.watched, namespace, scrapeJobs: { rocketchat: rocketchatJob, mongodbExporter: exporterJob } };
    const ruleGroups = alertRuleGroups({ objects: watched, thresholds, backupSchedules: args.backupSchedules });
    const dashboardModel = platformDashboard({
        objects: watched,
        replicationLagSeconds: thresholds.replicationLagSeconds,
        backupAllowedAge: args.backupSchedules
            ? { schedule: args.backupSchedules.backup, verifySchedule: args.backupSchedules.verify, graceMinutes: thresholds.backupGraceMinutes }
            : undefined,
    });

    const serviceMonitors: IServiceMonitor[] = [];
    let prometheusRule: IPrometheusRule | undefined;
    if (args.prometheusOperator) {
        const operatorLabels = { ...labels, ...args.selectorLabels };
        const serviceMonitor = (monitorName: string, serviceLabels: Record<string, string>, endpoint: Record<string, unknown>): IServiceMonitor => ({
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: monitorName, namespace, labels: operatorLabels },
            spec: {
                selector: { matchLabels: { "rocketchat-ha.io/metrics": serviceLabels["rocketchat-ha.io/metrics"] } },
                namespaceSelector: { matchNames: [namespace] },
                endpoints: [{ port: "metrics", interval: scrapeInterval, ...endpoint }],
            },
        });
        serviceMonitors.push(
            serviceMonitor(rocketchatJob, rocketchatServiceLabels, { path: "/metrics", scrapeTimeout: "10s" }),
            // honorLabels keeps the exporter's per-member `instance` label.
            serviceMonitor(exporterJob, mongoExporterServiceLabels(name, args.exporter.image), { path: scrapeAllPath, scrapeTimeout: "25s", honorLabels: true }),
        );
        prometheusRule = {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: { name: alertsRuleName(name), namespace, labels: operatorLabels },
            spec: { groups: ruleGroups },
        };
    }

    const dashboardName = args.dashboard?.name ?? monitoringDefaults.dashboardName;
    const dashboard: IConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
            name: dashboardName,
            namespace: args.dashboard?.namespace ?? namespace,
            labels: { ...labels, ...(args.dashboard?.sidecarLabel ?? monitoringDefaults.dashboardSidecarLabel) },
        },
        data: { [`${dashboardName}.json`]: JSON.stringify(grafanaDashboard(dashboardModel), null, 2) },
    };
    return { exporter, rocketchatMetricsService, serviceMonitors, ...(prometheusRule ? { prometheusRule } : {}), dashboard };
}

/** What monitoring needs from other components: the members, the monitoring user, Rocket.Chat's pods and the watched objects' names. */
export interface MonitoringPeers<V = never> {
    /** Member host:port names (MongoReplicaSet.hosts). */
    readonly memberHosts: readonly string[];
    /** The users Secret and the monitoring user's keys (Credentials.monitoring). */
    readonly monitoringCredentials: SecretCredentials<V>;
    /** Pod annotations that restart the exporter when the monitoring user rotates (credentialPlan.ts rolloutAnnotations). Defaults to none. */
    readonly monitoringRollout?: Record<string, string>;
    /** Labels the MongoDB NetworkPolicy admits (MongoReplicaSet.clientLabels). */
    readonly mongodbClientLabels: Record<string, string>;
    /** Rocket.Chat's pod selector and Deployment name (its autoscaler carries the same name). */
    readonly rocketchatSelector: Record<string, string>;
    readonly rocketchatDeploymentName: string;
    /** The replica set's StatefulSet. */
    readonly mongodbStatefulSetName: string;
}

/** Where the dashboard ConfigMap goes: monitoringDashboardNamespace, or the stack's namespace when that is empty. */
export function dashboardNamespace(s: Pick<Settings, "monitoringDashboardNamespace" | "namespace">): string {
    return s.monitoringDashboardNamespace || s.namespace;
}

/** Monitoring's args from the stack's settings, or undefined when monitoringEnabled is false. */
export function monitoringArgsFromSettings<V = never>(name: string, s: Settings, peers: MonitoringPeers<V>): MonitoringObjectArgs<V> | undefined {
    if (!s.monitoringEnabled) {
        return undefined;
    }
    return {
        namespace: s.namespace,
        scraperNamespace: s.monitoringNamespace,
        exporter: {
            image: s.monitoringExporterImage,
            memberHosts: peers.memberHosts,
            credentials: peers.monitoringCredentials,
            podAnnotations: peers.monitoringRollout,
            mongodbClientLabels: peers.mongodbClientLabels,
            placement: placementFor(s, "exporter"),
            fixedUid: s.fixedUids,
        },
        rocketchat: { selector: peers.rocketchatSelector, metricsPort: s.monitoringRocketchatPort },
        watched: {
            rocketchatDeployment: peers.rocketchatDeploymentName,
            // The autoscaler carries the Deployment's name and is dropped while a restore runs.
            autoscaler: s.autoscalingEnabled && s.restoreArchive === "" ? peers.rocketchatDeploymentName : undefined,
            mongodbStatefulSet: peers.mongodbStatefulSetName,
            backupCronJobs: s.backupEnabled ? backupCronJobNames(name) : undefined,
        },
        backupSchedules: s.backupEnabled ? { backup: s.backupSchedule, verify: s.backupVerifySchedule } : undefined,
        thresholds: {
            replicationLagSeconds: s.monitoringReplicationLagSeconds,
            notReadyMinutes: s.monitoringNotReadyMinutes,
            autoscalerMaxedMinutes: s.monitoringAutoscalerMaxedMinutes,
            backupGraceMinutes: s.monitoringBackupGraceMinutes,
        },
        prometheusOperator: s.monitoringPrometheusOperator,
        selectorLabels: recordFromPairs(s.monitoringSelectorLabels),
        dashboard: {
            name: s.monitoringDashboardName,
            namespace: dashboardNamespace(s),
            sidecarLabel: recordFromPairs([s.monitoringDashboardLabel]),
        },
    };
}
