/**
 * What each stack declares for monitoring: nothing of it where monitoring is
 * off (dev, test); in prod the exporter, the metrics Service, ServiceMonitors,
 * the alert rules and the dashboard, with every rendered expression checked
 * against the metric catalogue and no credential in plain text.
 *
 * Monitoring's own objects are built from each stack's settings
 * (settingsFor -> monitoringArgsFromSettings -> monitoringObjects), without
 * the program. "In the program" holds what only the whole program shows:
 * Rocket.Chat's side of the endpoint (its Deployment, NetworkPolicy, Ingress),
 * the bootstrap's monitoring user, the generated credentials (values only the
 * engine's mocks produce) and the names other components give the watched
 * objects. Those runs are shared by the suite (test/support/stacks.ts).
 */
import { strict as assert } from "assert";
import { selectorLabels } from "../components/labels";
import { mongoExporterObjects } from "../components/monitoring/mongodbExporterObjects";
import {
    monitoringArgsFromSettings, monitoringDefaults, monitoringObjects, MonitoringObjectArgs, MonitoringObjects, MonitoringPeers,
} from "../components/monitoring/monitoringObjects";
import type { Settings } from "../components/settings";
import { findObject, kubernetesObjects, objectsOfKind, ResourceList } from "../tools/resourceList";
import { builtStack, placeholderList } from "./support/platformBuild";
import { projectDefaults } from "../tools/stackConfig";
import { promqlProblems } from "./support/promqlCheck";
import { settingsFor } from "./support/settings";
import { containersOf, podTemplates, stacks } from "./support/stacks";

const operatorGroup = "monitoring.coreos.com";
const metricsPort = 9458;
const exporterPort = 9216;

/** Stands for the users Secret's name, which the program knows only as an Output. */
const usersSecret = "<mongodb-users-secret-name>";

/** What the program passes from the other components (MongoReplicaSet, Credentials, RocketChat), for instance "rocketchat". */
function peersFor(s: Settings): MonitoringPeers<never> {
    return {
        memberHosts: Array.from({ length: s.mongodbMembers }, (_, i) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.${s.namespace}.svc.${s.clusterDomain}:27017`),
        monitoringCredentials: { secretName: usersSecret, usernameKey: "monitoring-username", passwordKey: "monitoring-password" },
        mongodbClientLabels: { "rocketchat-ha.io/mongodb-client": "rocketchat" },
        rocketchatSelector: selectorLabels({ instance: "rocketchat", name: "rocketchat", component: "chat" }),
        rocketchatDeploymentName: "rocketchat",
        mongodbStatefulSetName: "rocketchat-mongodb",
    };
}

function monitoringArgs(stack: string, overrides: Record<string, unknown> = {}): MonitoringObjectArgs<never> | undefined {
    const s = settingsFor(stack, overrides);
    return monitoringArgsFromSettings("rocketchat", s, peersFor(s));
}

function built(stack: string, overrides: Record<string, unknown> = {}): MonitoringObjects<never> {
    const args = monitoringArgs(stack, overrides);
    assert.ok(args, `${stack}: monitoring is on`);
    return monitoringObjects("rocketchat", args);
}

/** The monitoring.coreos.com objects, ServiceMonitors first. */
function operatorObjects(objects: MonitoringObjects<never>): any[] {
    return [...objects.serviceMonitors, ...(objects.prometheusRule ? [objects.prometheusRule] : [])];
}

function alertRules(objects: MonitoringObjects<never>): any[] {
    return objects.prometheusRule!.spec!.groups!.flatMap((g) => g.rules);
}

function dashboardModel(objects: MonitoringObjects<never>): any {
    const [json] = Object.values<string>(objects.dashboard.data!);
    return JSON.parse(json);
}

/** NetworkPolicy ingress rules of `policy` that admit traffic to `port`. */
function rulesAdmitting(policy: any, port: number): any[] {
    return policy.spec.ingress.filter((rule: any) => !rule.ports || rule.ports.some((p: any) => p.port === port));
}

const monitoringNamespacePeer = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } };

describe("monitoring per stack", () => {
    for (const stack of stacks.filter((s) => s !== "prod")) {
        it(`${stack} (monitoring off): nothing of monitoring is built`, () => {
            assert.equal(monitoringArgs(stack), undefined);
        });
    }

    describe("prod (monitoring on, Prometheus Operator present)", () => {
        it("declares two ServiceMonitors and one PrometheusRule, selected by the configured labels", () => {
            const objects = operatorObjects(built("prod"));
            const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
            assert.deepEqual(kinds, ["PrometheusRule/rocketchat-alerts", "ServiceMonitor/rocketchat-metrics", "ServiceMonitor/rocketchat-mongodb-exporter"]);
            for (const object of objects) {
                assert.equal(object.apiVersion, "monitoring.coreos.com/v1");
                assert.equal(object.metadata.labels.release, "kube-prometheus-stack");
                assert.equal(object.metadata.namespace, "rocketchat-prod");
            }
        });

        it("scrapes each ServiceMonitor's own Service: Rocket.Chat on /metrics, every member through /scrapeall", () => {
            const objects = built("prod");
            const ownServices = [objects.rocketchatMetricsService, objects.exporter.service];
            for (const [monitorName, path, port] of [["rocketchat-metrics", "/metrics", metricsPort], ["rocketchat-mongodb-exporter", "/scrapeall", exporterPort]] as const) {
                const monitor = objects.serviceMonitors.find((m) => m.metadata!.name === monitorName)!;
                const services = ownServices.filter((s) =>
                    Object.entries<string>(monitor.spec.selector.matchLabels!).every(([k, v]) => s.metadata!.labels?.[k] === v));
                assert.deepEqual(services.map((s) => s.metadata!.name), [monitorName], `${monitorName} selects exactly its Service`);
                assert.deepEqual(services[0].spec!.ports, [{ name: "metrics", port, targetPort: "metrics" }]);
                assert.equal(monitor.spec.endpoints![0].port, "metrics");
                assert.equal(monitor.spec.endpoints![0].path, path);
                assert.deepEqual(monitor.spec.namespaceSelector, { matchNames: ["rocketchat-prod"] });
            }
            assert.equal(objects.serviceMonitors.find((m) => m.metadata!.name === "rocketchat-mongodb-exporter")!.spec.endpoints![0].honorLabels, true);
        });

        it("raises every alert the issue asks for, with runbook text and thresholds from config", () => {
            const rules = new Map(alertRules(built("prod")).map((r: any) => [r.alert, r]));
            for (const name of ["MongoReplicaSetMemberDown", "MongoReplicaSetNoPrimary", "MongoReplicationLagHigh", "RocketChatPodsNotReady",
                "RocketChatAutoscalerAtMaximum", "MongoBackupTooOld", "MongoBackupVerificationFailed"]) {
                const rule = rules.get(name);
                assert.ok(rule, `alert ${name}`);
                for (const key of ["summary", "description", "runbook"]) {
                    assert.ok(rule.annotations[key]?.length > 10, `${name} has ${key}`);
                }
            }
            assert.match(rules.get("MongoReplicationLagHigh").expr, /> 60$/);
            assert.equal(rules.get("RocketChatPodsNotReady").for, "5m");
            // Daily backups at 02:15 plus the 120-minute default grace.
            assert.match(rules.get("MongoBackupTooOld").expr, /> 93600\)/);
        });

        it("moves thresholds with the settings", () => {
            const objects = built("prod", { monitoringReplicationLagSeconds: 15, monitoringNotReadyMinutes: 2, backupSchedule: "0 */6 * * *", monitoringBackupGraceMinutes: 30 });
            const rules = new Map(alertRules(objects).map((r: any) => [r.alert, r]));
            assert.match(rules.get("MongoReplicationLagHigh").expr, /> 15$/);
            assert.equal(rules.get("MongoReplicaSetNoPrimary").for, "2m");
            assert.match(rules.get("MongoBackupTooOld").expr, /> 23400\)/);
        });

        it("names in every alert expression only metrics and labels the declared exporters publish", () => {
            for (const rule of alertRules(built("prod"))) {
                assert.deepEqual(promqlProblems(rule.expr), [], `${rule.alert}: ${rule.expr}`);
            }
        });

        it("ships a dashboard ConfigMap for the Grafana sidecar whose JSON parses and queries only catalogued metrics", () => {
            const objects = built("prod");
            const map = objects.dashboard;
            assert.equal(map.metadata!.name, "rocketchat-ha-dashboard");
            assert.equal(map.metadata!.labels!.grafana_dashboard, "1");
            assert.equal(map.metadata!.namespace, "rocketchat-prod");
            const model = dashboardModel(objects);
            assert.equal(model.uid, "rocketchat-ha-rocketchat-prod");
            const queries = model.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
            assert.ok(queries.length >= 12);
            for (const expr of queries) {
                assert.deepEqual(promqlProblems(expr), [], expr);
                assert.match(expr, /namespace="rocketchat-prod"/, "every query is scoped to the stack");
            }
            const rows = model.panels.filter((p: any) => p.type === "row").map((p: any) => p.title);
            assert.deepEqual(rows, ["Rocket.Chat: requests and pods", "MongoDB replica set", "Backups"]);
        });

        it("watches the CronJobs, autoscaler and Deployment by the names the stack gives them", () => {
            const exprs = alertRules(built("prod")).map((r: any) => r.expr).join("\n");
            for (const [kind, name, label] of watchedObjects) {
                assert.ok(exprs.includes(`${label}="${name}"`), `the alerts watch ${kind}/${name}`);
            }
        });

        it("the metrics Service is headless and selects Rocket.Chat's pods", () => {
            const service = built("prod").rocketchatMetricsService;
            assert.equal(service.spec!.clusterIP, "None");
            assert.deepEqual(service.spec!.selector, peersFor(settingsFor("prod")).rocketchatSelector);
        });

        it("opens the exporter's port to the monitoring namespace only", () => {
            const { exporter } = built("prod");
            assert.deepEqual(exporter.networkPolicy.spec!.ingress, [{ from: [monitoringNamespacePeer], ports: [{ protocol: "TCP", port: exporterPort }] }]);
            assert.deepEqual(exporter.networkPolicy.spec!.podSelector.matchLabels, exporter.deployment.spec!.selector.matchLabels);
        });

        it("runs the exporter restricted, as the monitoring user from the Secret, reaching every member", () => {
            const pod = built("prod").exporter.deployment.spec!.template;
            const [container] = pod.spec!.containers;
            assert.equal(container.image, "percona/mongodb_exporter:0.47.1");
            assert.ok(container.args!.includes("--split-cluster") && container.args!.includes("--collector.replicasetstatus"));
            const env = Object.fromEntries(container.env!.map((e) => [e.name, e]));
            assert.deepEqual(env.MONGODB_USER.valueFrom!.secretKeyRef, { name: usersSecret, key: "monitoring-username" });
            assert.deepEqual(env.MONGODB_PASSWORD.valueFrom!.secretKeyRef, { name: usersSecret, key: "monitoring-password" });
            const hosts = [0, 1, 2].map((i) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.rocketchat-prod.svc.cluster.local:27017`);
            assert.equal(env.MONGODB_URI.value, `mongodb://${hosts.join(",")}/admin?authSource=admin`);
            // The MongoDB NetworkPolicy admits pods with the client label.
            assert.equal(pod.metadata!.labels!["rocketchat-ha.io/mongodb-client"], "rocketchat");
            assert.equal(pod.spec!.securityContext!.runAsNonRoot, true);
            assert.equal(container.securityContext!.readOnlyRootFilesystem, true);
            assert.deepEqual(container.securityContext!.capabilities!.drop, ["ALL"]);
            assert.ok(container.livenessProbe && container.readinessProbe && container.resources!.limits!.memory);
        });
    });

    describe("dev with monitoringEnabled but no Prometheus Operator", () => {
        it("serves the metrics and the dashboard but declares no CustomResources", () => {
            const objects = built("dev", { monitoringEnabled: true });
            assert.deepEqual(operatorObjects(objects), []);
            assert.equal(objects.exporter.deployment.metadata!.name, "rocketchat-mongodb-exporter");
            assert.equal(objects.rocketchatMetricsService.metadata!.name, "rocketchat-metrics");
            const model = dashboardModel(objects);
            // dev has no autoscaler: the pods panel shows no autoscaler series.
            const pods = model.panels.find((p: any) => p.title === "Rocket.Chat pods available");
            assert.deepEqual(pods.targets.map((t: any) => t.legendFormat), ["available", "wanted"]);
        });
    });

    describe("builder defaults", () => {
        it("left-out args take the monitoring settings' defaults from Pulumi.yaml", () => {
            const d = projectDefaults();
            const setting = (name: string) => JSON.parse(d[`rocketchat-ha:${name}`]);
            const s = settingsFor("prod");
            const minimal: MonitoringObjectArgs<never> = {
                namespace: "ns",
                exporter: { memberHosts: peersFor(s).memberHosts, credentials: peersFor(s).monitoringCredentials, mongodbClientLabels: {} },
                rocketchat: { selector: { app: "chat" } },
                watched: { rocketchatDeployment: "rocketchat", mongodbStatefulSet: "rocketchat-mongodb" },
            };
            const [labelKey, labelValue] = (d["rocketchat-ha:monitoringDashboardLabel"]).split("=");
            const explicit: MonitoringObjectArgs<never> = {
                ...minimal,
                scraperNamespace: d["rocketchat-ha:monitoringNamespace"],
                exporter: { ...minimal.exporter, image: d["rocketchat-ha:monitoringExporterImage"], fixedUid: setting("fixedUids") },
                rocketchat: { ...minimal.rocketchat, metricsPort: setting("monitoringRocketchatPort") },
                thresholds: {
                    replicationLagSeconds: setting("monitoringReplicationLagSeconds"),
                    notReadyMinutes: setting("monitoringNotReadyMinutes"),
                    autoscalerMaxedMinutes: setting("monitoringAutoscalerMaxedMinutes"),
                    backupGraceMinutes: setting("monitoringBackupGraceMinutes"),
                },
                prometheusOperator: setting("monitoringPrometheusOperator"),
                selectorLabels: Object.fromEntries(setting("monitoringSelectorLabels").map((pair: string) => pair.split("="))),
                dashboard: { name: d["rocketchat-ha:monitoringDashboardName"], namespace: "ns", sidecarLabel: { [labelKey]: labelValue } },
            };
            assert.deepEqual(monitoringObjects("rocketchat", minimal), monitoringObjects("rocketchat", explicit));
            assert.equal(monitoringDefaults.rocketchatMetricsPort, setting("monitoringRocketchatPort"));
            assert.deepEqual(mongoExporterObjects("rocketchat", { namespace: "ns", ...minimal.exporter }), monitoringObjects("rocketchat", minimal).exporter);
        });
    });

    describe("in the whole stack (as built; test/program.test.ts proves the program registers it)", () => {
        function monitoringResources(run: ResourceList) {
            return run.resources.filter((r) => r.type.startsWith(`kubernetes:${operatorGroup}/`));
        }
        function rocketchatContainer(run: ResourceList) {
            return findObject(run, "Deployment", "rocketchat").spec.template.spec.containers[0];
        }
        function rocketchatEnv(run: ResourceList): Record<string, any> {
            return Object.fromEntries(rocketchatContainer(run).env.map((e: any) => [e.name, e]));
        }

        for (const stack of stacks.filter((s) => s !== "prod")) {
            describe(`${stack} (monitoring off)`, () => {
                it("declares no monitoring.coreos.com objects, no exporter and no dashboard", async () => {
                    const run = builtStack(stack);
                    assert.deepEqual(monitoringResources(run).map((r) => r.name), []);
                    assert.ok(!kubernetesObjects(run).some((o) => /exporter|dashboard/.test(o.metadata?.name ?? "")));
                    assert.ok(!objectsOfKind(run, "Service").some((s) => s.metadata.name === "rocketchat-metrics"));
                });

                it("keeps Rocket.Chat's Prometheus endpoint switched off, with no metrics port", async () => {
                    const run = builtStack(stack);
                    assert.equal(rocketchatEnv(run).OVERWRITE_SETTING_Prometheus_Enabled.value, "false");
                    assert.equal(rocketchatEnv(run).PROMETHEUS_PORT, undefined);
                    assert.deepEqual(rocketchatContainer(run).ports.map((p: any) => p.name), ["http"]);
                    assert.equal(rulesAdmitting(findObject(run, "NetworkPolicy", "rocketchat"), metricsPort).filter((r: any) => r.ports).length, 0);
                });
            });
        }

        it("prod registers monitoring's objects as the builder returns them for the stack's settings", async () => {
            const run = builtStack("prod");
            const objects = built("prod");
            for (const expected of [objects.rocketchatMetricsService, objects.exporter.service, objects.exporter.networkPolicy, objects.dashboard, ...operatorObjects(objects)]) {
                assert.deepEqual(findObject(run, expected.kind, expected.metadata!.name!), JSON.parse(JSON.stringify(expected)), `${expected.kind}/${expected.metadata!.name}`);
            }
            // The exporter's Deployment differs only by the users Secret's real name.
            const deployment = findObject(run, "Deployment", "rocketchat-mongodb-exporter");
            assert.deepEqual(JSON.parse(JSON.stringify(deployment).replaceAll("rocketchat-mongodb-users", usersSecret)), JSON.parse(JSON.stringify(objects.exporter.deployment)));
            // Each ServiceMonitor selects exactly one Service of the whole program.
            for (const monitor of objects.serviceMonitors) {
                const services = objectsOfKind(run, "Service").filter((s) =>
                    Object.entries<string>(monitor.spec.selector.matchLabels!).every(([k, v]) => s.metadata.labels?.[k] === v));
                assert.deepEqual(services.map((s) => s.metadata.name), [monitor.metadata!.name]);
            }
        });

        it("prod declares the watched objects under the names the alerts use", async () => {
            const run = builtStack("prod");
            for (const [kind, name] of watchedObjects) {
                findObject(run, kind, name);
            }
            assert.equal(findObject(run, "CronJob", "rocketchat-backup").spec.schedule, "15 2 * * *");
        });

        it("enables Rocket.Chat's endpoint on the configured port, as a container port and the metrics Service only", async () => {
            const run = builtStack("prod");
            const env = rocketchatEnv(run);
            assert.equal(env.OVERWRITE_SETTING_Prometheus_Enabled.value, "true");
            assert.equal(env.OVERWRITE_SETTING_Prometheus_Port.value, String(metricsPort));
            assert.equal(env.PROMETHEUS_PORT.value, String(metricsPort));
            assert.deepEqual(rocketchatContainer(run).ports, [{ name: "http", containerPort: 3000 }, { name: "metrics", containerPort: metricsPort }]);
            const selector = findObject(run, "Deployment", "rocketchat").spec.selector.matchLabels;
            const exposing = objectsOfKind(run, "Service").filter((s) =>
                Object.entries<string>(selector).every(([k, v]) => s.spec.selector?.[k] === v) &&
                s.spec.ports.some((p: any) => [metricsPort, "metrics"].includes(p.targetPort) || p.port === metricsPort));
            assert.deepEqual(exposing.map((s) => s.metadata.name), ["rocketchat-metrics"]);
            const ingress = findObject(run, "Ingress", "rocketchat");
            const backends = ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service));
            assert.ok(backends.every((b: any) => b.name === "rocketchat" && b.port.name === "http"), "the Ingress routes to the web port only");
        });

        it("opens Rocket.Chat's metrics port to the monitoring namespace only", async () => {
            const run = builtStack("prod");
            const rocketchat = findObject(run, "NetworkPolicy", "rocketchat");
            const selector = findObject(run, "Deployment", "rocketchat").spec.selector.matchLabels;
            for (const rule of rulesAdmitting(rocketchat, metricsPort)) {
                // A rule without ports admits only Rocket.Chat's own pods (instance-to-instance traffic).
                assert.deepEqual(rule.from, rule.ports ? [monitoringNamespacePeer] : [{ podSelector: { matchLabels: selector } }]);
            }
            assert.ok(rulesAdmitting(rocketchat, metricsPort).some((rule: any) => rule.ports), "Prometheus is admitted");
        });

        it("creates the monitoring user in the bootstrap with its password from the Secret", async () => {
            const run = builtStack("prod");
            const [job] = objectsOfKind(run, "Job").filter((j) => j.metadata.name.startsWith("rocketchat-mongodb-bootstrap-"));
            const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
            assert.deepEqual(env.MONITORING_PASSWORD.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-users", key: "monitoring-password" });
            assert.ok(findObject(run, "Secret", "rocketchat-mongodb-users").stringData["monitoring-password"].length >= 32);
        });

        it("puts no credential in an argument, a plain env value, a ConfigMap or a monitoring object", async () => {
            // The builders get recognisable placeholders where the program gets generated values.
            const run = builtStack("prod");
            const secrets = [...placeholderList];
            assert.ok(secrets.length >= 5, "the leak check has generated values to look for");
            const leaks = (where: string, text: string) => {
                for (const secret of secrets) {
                    assert.ok(!text.includes(secret), `${where} contains a generated credential`);
                }
            };
            for (const template of podTemplates(kubernetesObjects(run))) {
                for (const container of containersOf(template.spec)) {
                    leaks(`${template.owner} ${container.name} command/args`, JSON.stringify([container.command ?? [], container.args ?? []]));
                    leaks(`${template.owner} ${container.name} env values`, JSON.stringify((container.env ?? []).map((e: any) => e.value ?? "")));
                }
            }
            for (const map of objectsOfKind(run, "ConfigMap")) {
                leaks(`ConfigMap ${map.metadata.name}`, JSON.stringify(map.data));
            }
            for (const resource of monitoringResources(run)) {
                leaks(`${resource.inputs.kind} ${resource.name}`, JSON.stringify(resource.inputs));
            }
        });

    });
});

/** Objects other components declare that the alerts watch: kind, name, the label the alert expression matches them by. */
const watchedObjects = [["CronJob", "rocketchat-backup", "cronjob"], ["CronJob", "rocketchat-backup-verify", "owner_name"],
    ["HorizontalPodAutoscaler", "rocketchat", "horizontalpodautoscaler"], ["Deployment", "rocketchat", "deployment"]] as const;
