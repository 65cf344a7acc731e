/**
 * Every metric our alerts and dashboard may name, per exporter, with the
 * source each name was checked against. The monitoring tests parse every
 * PromQL expression and refuse a metric or label that is not listed here, so
 * a typo or a name an exporter renamed fails before it reaches Prometheus
 * (where a query on a missing metric is silently empty and never alerts).
 *
 * Versions checked: Rocket.Chat 8.x (`develop`), prom-client default metrics,
 * percona/mongodb_exporter v0.47.1, kube-state-metrics v2.x (STABLE metrics),
 * and what Prometheus adds to every scrape.
 */

/** How the exporter types the series (summaries expose `<name>`, `_sum` and `_count`). */
export type MetricType = "counter" | "gauge" | "summary" | "untyped";

export interface KnownMetric {
    readonly type: MetricType;
    /** Labels the exporter itself sets; scrape target labels are added by Prometheus (see targetLabels). */
    readonly labels: readonly string[];
}

export interface ExporterCatalogue {
    /** Who publishes the metrics. */
    readonly exporter: string;
    /** Where the names were checked: repository, version and file. */
    readonly source: string;
    readonly metrics: Readonly<Record<string, KnownMetric>>;
}

/** Keeps the literal type, so promql.ts can tell summaries apart at compile time. */
const metric = <T extends MetricType>(type: T) => (...labels: string[]): KnownMetric & { readonly type: T } => ({ type, labels });
const gauge = metric("gauge");
const counter = metric("counter");
const summary = metric("summary");
const untyped = metric("untyped");

/** Labels mongodb_exporter adds from the member's topology (exporter/topology_info.go baseLabels). */
const topology = ["cl_role", "cl_id", "rs_nm", "rs_state"];
/** replSetGetStatus.members[] become labels of one series per member (exporter/metrics.go processSlice). */
const perMember = [...topology, "member_idx", "member_state"];

export const catalogue = {
    rocketchat: {
        exporter: "Rocket.Chat's Prometheus endpoint (Prometheus_Enabled)",
        source: "RocketChat/Rocket.Chat apps/meteor/app/metrics/server/lib/metrics.ts (prom-client metric definitions)",
        metrics: {
            rocketchat_rest_api: summary("method", "entrypoint", "user_agent", "status", "version"),
            rocketchat_meteor_methods: summary("method", "has_connection", "has_user"),
            rocketchat_ddp_sessions_count: gauge(),
            rocketchat_ddp_connected_users: gauge(),
            rocketchat_users_online: gauge(),
            rocketchat_message_sent: counter(),
            rocketchat_info: gauge("version", "unique_id", "site_url"),
        },
    },
    nodejs: {
        exporter: "prom-client default metrics in Rocket.Chat (client.collectDefaultMetrics() in collectMetrics.ts)",
        source: "siimon/prom-client lib/metrics/eventLoopLag.js, osMemoryHeap.js, processCpuTotal.js",
        metrics: {
            nodejs_eventloop_lag_seconds: gauge(),
            process_resident_memory_bytes: gauge(),
            process_cpu_seconds_total: counter(),
        },
    },
    mongodbExporter: {
        exporter: "percona/mongodb_exporter with --collector.replicasetstatus --collector.diagnosticdata, scraped at /scrapeall",
        source: "percona/mongodb_exporter v0.47.1: exporter/general_collector.go (mongodb_up), exporter/replset_status_collector.go and its test (mongodb_myState; members[] via exporter/metrics.go makeMetrics/processSlice), exporter/metrics.go nodeToPDMetrics (serverStatus.connections -> conn_type, serverStatus.opcounters -> legacy_op_type)",
        metrics: {
            mongodb_up: gauge("cluster_role"),
            mongodb_myState: untyped(...topology),
            mongodb_members_health: untyped(...perMember),
            mongodb_members_state: untyped(...perMember),
            /** Milliseconds since the epoch (a BSON date). */
            mongodb_members_optimeDate: untyped(...perMember),
            mongodb_ss_connections: untyped(...topology, "conn_type"),
            mongodb_ss_opcounters: untyped(...topology, "legacy_op_type"),
        },
    },
    kubeStateMetrics: {
        exporter: "kube-state-metrics (installed with the cluster's Prometheus, e.g. kube-prometheus-stack)",
        source: "kubernetes/kube-state-metrics docs/metrics/workload/{cronjob,job,horizontalpodautoscaler,deployment,statefulset,pod}-metrics.md (STABLE)",
        metrics: {
            kube_cronjob_status_last_successful_time: gauge("cronjob", "namespace"),
            kube_cronjob_created: gauge("cronjob", "namespace"),
            kube_cronjob_spec_suspend: gauge("cronjob", "namespace"),
            kube_job_owner: gauge("job_name", "namespace", "owner_kind", "owner_name", "owner_is_controller"),
            kube_job_failed: gauge("job_name", "namespace", "condition"),
            kube_job_status_start_time: gauge("job_name", "namespace"),
            kube_horizontalpodautoscaler_status_current_replicas: gauge("horizontalpodautoscaler", "namespace"),
            kube_horizontalpodautoscaler_spec_max_replicas: gauge("horizontalpodautoscaler", "namespace"),
            kube_deployment_spec_replicas: gauge("deployment", "namespace"),
            kube_deployment_status_replicas_available: gauge("deployment", "namespace"),
            kube_statefulset_replicas: gauge("statefulset", "namespace"),
            kube_statefulset_status_replicas_ready: gauge("statefulset", "namespace"),
            kube_pod_container_status_restarts_total: counter("container", "namespace", "pod", "uid"),
        },
    },
    prometheus: {
        exporter: "Prometheus itself, for every scrape target",
        source: "prometheus.io/docs/concepts/jobs_instances (automatically generated series: up)",
        metrics: {
            up: gauge(),
        },
    },
} as const satisfies Record<string, ExporterCatalogue>;

export type ExporterId = keyof typeof catalogue;

/**
 * Labels Prometheus puts on every series of a target found through a
 * ServiceMonitor (job, instance, namespace, service, pod, container, endpoint).
 */
export const targetLabels: readonly string[] = ["job", "instance", "namespace", "service", "pod", "container", "endpoint"];

/** The series a metric appears as, with their labels: summaries add _sum and _count, and `quantile` on the base series. */
export function seriesOf(name: string, metric: KnownMetric): { name: string; labels: readonly string[] }[] {
    return metric.type === "summary"
        ? [
            { name, labels: [...metric.labels, "quantile"] },
            { name: `${name}_sum`, labels: metric.labels },
            { name: `${name}_count`, labels: metric.labels },
        ]
        : [{ name, labels: metric.labels }];
}

/** Series name -> its exporter and labels, for every catalogued metric. */
export function seriesIndex(): Map<string, { exporter: ExporterId; labels: readonly string[] }> {
    const index = new Map<string, { exporter: ExporterId; labels: readonly string[] }>();
    for (const [exporter, entry] of Object.entries(catalogue) as [ExporterId, ExporterCatalogue][]) {
        for (const [name, metric] of Object.entries(entry.metrics)) {
            for (const series of seriesOf(name, metric)) {
                index.set(series.name, { exporter, labels: series.labels });
            }
        }
    }
    return index;
}

/** A catalogued metric name, checked at compile time where expressions are built. */
export type MetricName = {
    [E in ExporterId]: keyof (typeof catalogue)[E]["metrics"];
}[ExporterId] & string;
