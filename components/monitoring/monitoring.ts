/**
 * Observability of one stack: the MongoDB exporter, a metrics Service for
 * Rocket.Chat's Prometheus endpoint, and the Grafana dashboard ConfigMap;
 * where the Prometheus Operator runs, ServiceMonitors and a PrometheusRule
 * with the alerts. Rocket.Chat's endpoint itself is switched on by the
 * RocketChat component (environment.ts); see docs/monitoring.md.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { standardLabels } from "../labels";
import { alertRuleGroups, AlertThresholds } from "./alertRules";
import { platformDashboard } from "./dashboardPanels";
import { MonitoredObjects } from "./expressions";
import { grafanaDashboard } from "./grafanaModel";
import { MongoExporter, MongoExporterArgs, scrapeAllPath } from "./mongodbExporter";

/** How often Prometheus scrapes; the exporter answers for every member in one request. */
const scrapeInterval = "30s";

export interface MonitoringArgs {
    /** Namespace of the stack. */
    readonly namespace: string;
    /** Namespace Prometheus runs in; the only one admitted to the metrics ports. */
    readonly scraperNamespace: string;
    /** The MongoDB exporter's image, members, credentials and placement. */
    readonly exporter: Omit<MongoExporterArgs, "namespace" | "scraperNamespace">;
    /** Rocket.Chat's pods and the port of their Prometheus endpoint. */
    readonly rocketchat: { readonly selector: Record<string, string>; readonly metricsPort: number };
    /** Names of what the alerts and the dashboard watch (scrape jobs are filled in here). */
    readonly watched: Omit<MonitoredObjects, "namespace" | "scrapeJobs">;
    /** Cron schedules of the backup and restore test; required with watched.backupCronJobs. */
    readonly backupSchedules?: { readonly backup: string; readonly verify: string };
    readonly thresholds: AlertThresholds;
    /** Declare ServiceMonitors and the PrometheusRule (monitoring.coreos.com/v1). Defaults to false. */
    readonly prometheusOperator?: boolean;
    /** Labels the Prometheus selects ServiceMonitors and PrometheusRules by. Defaults to none. */
    readonly selectorLabels?: Record<string, string>;
    /** The dashboard ConfigMap: its name, namespace and the label the Grafana sidecar watches. */
    readonly dashboard: { readonly name: string; readonly namespace: string; readonly sidecarLabel: Record<string, string> };
}

export class Monitoring extends pulumi.ComponentResource {
    /** Prometheus job of Rocket.Chat's metrics (the metrics Service's name). */
    public readonly rocketchatJob: string;
    /** Prometheus job of the MongoDB exporter (its Service's name). */
    public readonly exporterJob: string;
    public readonly dashboardConfigMapName: string;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.Monitoring.token, name, {}, withFormerTypes("Monitoring", opts));
        const child = childOf(this, opts);
        const namespace = args.namespace;
        const labels = standardLabels({ instance: name, name: "monitoring", component: "monitoring" });

        const exporter = new MongoExporter(name, { ...args.exporter, namespace, scraperNamespace: args.scraperNamespace }, child);

        // Headless: Prometheus scrapes each pod; nothing should load-balance or route to this port.
        this.rocketchatJob = `${name}-metrics`;
        const rocketchatServiceLabels = { ...labels, "rocketchat-ha.io/metrics": this.rocketchatJob };
        new k8s.core.v1.Service(this.rocketchatJob, {
            metadata: { name: this.rocketchatJob, namespace, labels: rocketchatServiceLabels },
            spec: {
                clusterIP: "None",
                selector: args.rocketchat.selector,
                ports: [{ name: "metrics", port: args.rocketchat.metricsPort, targetPort: "metrics" }],
            },
        }, child);
        this.exporterJob = exporter.serviceName;

        const watched: MonitoredObjects = {
            ...args.watched,
            namespace,
            scrapeJobs: { rocketchat: this.rocketchatJob, mongodbExporter: this.exporterJob },
        };

        const ruleGroups = alertRuleGroups({ objects: watched, thresholds: args.thresholds, backupSchedules: args.backupSchedules });
        const dashboard = platformDashboard({
            objects: watched,
            replicationLagSeconds: args.thresholds.replicationLagSeconds,
            backupAllowedAge: args.backupSchedules
                ? { schedule: args.backupSchedules.backup, verifySchedule: args.backupSchedules.verify, graceMinutes: args.thresholds.backupGraceMinutes }
                : undefined,
        });

        if (args.prometheusOperator) {
            const operatorLabels = { ...labels, ...args.selectorLabels };
            const serviceMonitor = (monitorName: string, serviceLabels: Record<string, string>, endpoint: Record<string, unknown>) =>
                new k8s.apiextensions.CustomResource(monitorName, {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "ServiceMonitor",
                    metadata: { name: monitorName, namespace, labels: operatorLabels },
                    spec: {
                        selector: { matchLabels: { "rocketchat-ha.io/metrics": serviceLabels["rocketchat-ha.io/metrics"] } },
                        namespaceSelector: { matchNames: [namespace] },
                        endpoints: [{ port: "metrics", interval: scrapeInterval, ...endpoint }],
                    },
                }, child);
            serviceMonitor(this.rocketchatJob, rocketchatServiceLabels, { path: "/metrics", scrapeTimeout: "10s" });
            // honorLabels keeps the exporter's per-member `instance` label.
            serviceMonitor(this.exporterJob, exporter.serviceLabels, { path: scrapeAllPath, scrapeTimeout: "25s", honorLabels: true });

            new k8s.apiextensions.CustomResource(`${name}-alerts`, {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: { name: `${name}-alerts`, namespace, labels: operatorLabels },
                spec: { groups: ruleGroups },
            }, child);
        }

        this.dashboardConfigMapName = args.dashboard.name;
        new k8s.core.v1.ConfigMap(args.dashboard.name, {
            metadata: { name: args.dashboard.name, namespace: args.dashboard.namespace, labels: { ...labels, ...args.dashboard.sidecarLabel } },
            data: { [`${args.dashboard.name}.json`]: JSON.stringify(grafanaDashboard(dashboard), null, 2) },
        }, child);

        this.registerOutputs({ rocketchatJob: this.rocketchatJob, exporterJob: this.exporterJob, dashboardConfigMapName: this.dashboardConfigMapName });
    }
}
