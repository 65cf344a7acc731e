/**
 * Observability of one stack, the thin component: registers what
 * monitoringObjects.ts builds (the exporter through its own MongoExporter
 * component, the metrics Service, ServiceMonitors, PrometheusRule and the
 * dashboard ConfigMap) as children, in that order.
 */
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { componentTypes, withFormerTypes } from "../componentTypes";
import { declareObject } from "../kubernetesObjects";
import { MongoExporter } from "./mongodbExporter";
import { defaultScraperNamespace, mongoExporterName } from "./mongodbExporterObjects";
import { monitoringObjects, MonitoringObjectArgs, rocketchatMetricsJob } from "./monitoringObjects";

export type MonitoringArgs = MonitoringObjectArgs<pulumi.Output<string>>;

export class Monitoring extends pulumi.ComponentResource {
    /** Prometheus job of Rocket.Chat's metrics (the metrics Service's name). */
    public readonly rocketchatJob: string;
    /** Prometheus job of the MongoDB exporter (its Service's name). */
    public readonly exporterJob: string;
    public readonly dashboardConfigMapName: string;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.Monitoring.token, name, {}, withFormerTypes("Monitoring", opts));
        const child = childOf(this, opts);
        const objects = monitoringObjects(name, args);

        new MongoExporter(name, { ...args.exporter, namespace: args.namespace, scraperNamespace: args.scraperNamespace ?? defaultScraperNamespace }, child);
        this.rocketchatJob = rocketchatMetricsJob(name);
        this.exporterJob = mongoExporterName(name);
        declareObject(this.rocketchatJob, objects.rocketchatMetricsService, child);
        for (const monitor of objects.serviceMonitors) {
            declareObject(monitor.metadata!.name!, monitor, child);
        }
        if (objects.prometheusRule) {
            declareObject(objects.prometheusRule.metadata!.name!, objects.prometheusRule, child);
        }
        this.dashboardConfigMapName = objects.dashboard.metadata!.name!;
        declareObject(this.dashboardConfigMapName, objects.dashboard, child);

        this.registerOutputs({ rocketchatJob: this.rocketchatJob, exporterJob: this.exporterJob, dashboardConfigMapName: this.dashboardConfigMapName });
    }
}
