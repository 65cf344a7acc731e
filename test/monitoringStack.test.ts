/**
 * What each stack declares for monitoring: nothing of it where monitoring is
 * off (dev, test); in prod the exporter, the metrics Service, ServiceMonitors,
 * the alert rules and the dashboard, with every rendered expression checked
 * against the metric catalogue and no credential in plain text.
 */
import { strict as assert } from "assert";
import { findObject, kubernetesObjects, objectsOfKind, runStack, StackRun } from "../tools/mockRuntime";
import { promqlProblems } from "./support/promqlCheck";
import { containersOf, podTemplates, stackRun, stacks } from "./support/stacks";

const operatorGroup = "monitoring.coreos.com";
const metricsPort = 9458;
const exporterPort = 9216;

function monitoringResources(run: StackRun) {
    return run.resources.filter((r) => r.type.startsWith(`kubernetes:${operatorGroup}/`));
}

function rocketchatContainer(run: StackRun) {
    return findObject(run, "Deployment", "rocketchat").spec.template.spec.containers[0];
}

function rocketchatEnv(run: StackRun): Record<string, any> {
    return Object.fromEntries(rocketchatContainer(run).env.map((e: any) => [e.name, e]));
}

function alertRules(run: StackRun): any[] {
    return findObject(run, "PrometheusRule", "rocketchat-alerts").spec.groups.flatMap((g: any) => g.rules);
}

function dashboardModel(run: StackRun): any {
    const map = findObject(run, "ConfigMap", "rocketchat-ha-dashboard");
    const [json] = Object.values<string>(map.data);
    return JSON.parse(json);
}

/** NetworkPolicy ingress rules of `policy` that admit traffic to `port`. */
function rulesAdmitting(policy: any, port: number): any[] {
    return policy.spec.ingress.filter((rule: any) => !rule.ports || rule.ports.some((p: any) => p.port === port));
}

const monitoringNamespacePeer = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } };

describe("monitoring per stack", () => {
    for (const stack of stacks.filter((s) => s !== "prod")) {
        describe(`${stack} (monitoring off)`, () => {
            it("declares no monitoring.coreos.com objects, no exporter and no dashboard", async () => {
                const run = await stackRun(stack);
                assert.deepEqual(monitoringResources(run).map((r) => r.name), []);
                assert.ok(!kubernetesObjects(run).some((o) => /exporter|dashboard/.test(o.metadata?.name ?? "")));
                assert.ok(!objectsOfKind(run, "Service").some((s) => s.metadata.name === "rocketchat-metrics"));
            });

            it("keeps Rocket.Chat's Prometheus endpoint switched off, with no metrics port", async () => {
                const run = await stackRun(stack);
                assert.equal(rocketchatEnv(run).OVERWRITE_SETTING_Prometheus_Enabled.value, "false");
                assert.equal(rocketchatEnv(run).PROMETHEUS_PORT, undefined);
                assert.deepEqual(rocketchatContainer(run).ports.map((p: any) => p.name), ["http"]);
                assert.equal(rulesAdmitting(findObject(run, "NetworkPolicy", "rocketchat"), metricsPort).filter((r: any) => r.ports).length, 0);
            });
        });
    }

    describe("prod (monitoring on, Prometheus Operator present)", () => {
        it("declares two ServiceMonitors and one PrometheusRule, selected by the configured labels", async () => {
            const run = await stackRun("prod");
            const kinds = monitoringResources(run).map((r) => `${r.inputs.kind}/${r.name}`).sort();
            assert.deepEqual(kinds, ["PrometheusRule/rocketchat-alerts", "ServiceMonitor/rocketchat-metrics", "ServiceMonitor/rocketchat-mongodb-exporter"]);
            for (const resource of monitoringResources(run)) {
                assert.equal(resource.inputs.apiVersion, "monitoring.coreos.com/v1");
                assert.equal(resource.inputs.metadata.labels.release, "kube-prometheus-stack");
                assert.equal(resource.inputs.metadata.namespace, "rocketchat-prod");
            }
        });

        it("scrapes each ServiceMonitor's own Service: Rocket.Chat on /metrics, every member through /scrapeall", async () => {
            const run = await stackRun("prod");
            for (const [monitorName, path, port] of [["rocketchat-metrics", "/metrics", metricsPort], ["rocketchat-mongodb-exporter", "/scrapeall", exporterPort]] as const) {
                const monitor = findObject(run, "ServiceMonitor", monitorName);
                const services = objectsOfKind(run, "Service").filter((s) =>
                    Object.entries<string>(monitor.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v));
                assert.deepEqual(services.map((s) => s.metadata.name), [monitorName], `${monitorName} selects exactly its Service`);
                assert.deepEqual(services[0].spec.ports, [{ name: "metrics", port, targetPort: "metrics" }]);
                assert.equal(monitor.spec.endpoints[0].port, "metrics");
                assert.equal(monitor.spec.endpoints[0].path, path);
                assert.deepEqual(monitor.spec.namespaceSelector, { matchNames: ["rocketchat-prod"] });
            }
            assert.equal(findObject(run, "ServiceMonitor", "rocketchat-mongodb-exporter").spec.endpoints[0].honorLabels, true);
        });

        it("raises every alert the issue asks for, with runbook text and thresholds from config", async () => {
            const run = await stackRun("prod");
            const rules = new Map(alertRules(run).map((r: any) => [r.alert, r]));
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

        it("moves thresholds with the settings", async () => {
            const run = await runStack("prod", { monitoringReplicationLagSeconds: 15, monitoringNotReadyMinutes: 2, backupSchedule: "0 */6 * * *", monitoringBackupGraceMinutes: 30 });
            const rules = new Map(alertRules(run).map((r: any) => [r.alert, r]));
            assert.match(rules.get("MongoReplicationLagHigh").expr, /> 15$/);
            assert.equal(rules.get("MongoReplicaSetNoPrimary").for, "2m");
            assert.match(rules.get("MongoBackupTooOld").expr, /> 23400\)/);
        });

        it("names in every alert expression only metrics and labels the declared exporters publish", async () => {
            const run = await stackRun("prod");
            for (const rule of alertRules(run)) {
                assert.deepEqual(promqlProblems(rule.expr), [], `${rule.alert}: ${rule.expr}`);
            }
        });

        it("ships a dashboard ConfigMap for the Grafana sidecar whose JSON parses and queries only catalogued metrics", async () => {
            const run = await stackRun("prod");
            const map = findObject(run, "ConfigMap", "rocketchat-ha-dashboard");
            assert.equal(map.metadata.labels.grafana_dashboard, "1");
            assert.equal(map.metadata.namespace, "rocketchat-prod");
            const model = dashboardModel(run);
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

        it("watches the CronJobs, autoscaler and Deployment by the names the stack gives them", async () => {
            const run = await stackRun("prod");
            const exprs = alertRules(run).map((r: any) => r.expr).join("\n");
            for (const [kind, name, label] of [["CronJob", "rocketchat-backup", "cronjob"], ["CronJob", "rocketchat-backup-verify", "owner_name"],
                ["HorizontalPodAutoscaler", "rocketchat", "horizontalpodautoscaler"], ["Deployment", "rocketchat", "deployment"]]) {
                findObject(run, kind, name);
                assert.ok(exprs.includes(`${label}="${name}"`), `the alerts watch ${kind}/${name}`);
            }
            assert.equal(findObject(run, "CronJob", "rocketchat-backup").spec.schedule, "15 2 * * *");
        });

        it("enables Rocket.Chat's endpoint on the configured port, as a container port and the metrics Service only", async () => {
            const run = await stackRun("prod");
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
            assert.equal(findObject(run, "Service", "rocketchat-metrics").spec.clusterIP, "None");
            const ingress = findObject(run, "Ingress", "rocketchat");
            const backends = ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service));
            assert.ok(backends.every((b: any) => b.name === "rocketchat" && b.port.name === "http"), "the Ingress routes to the web port only");
        });

        it("opens the metrics ports to the monitoring namespace only", async () => {
            const run = await stackRun("prod");
            const rocketchat = findObject(run, "NetworkPolicy", "rocketchat");
            const selector = findObject(run, "Deployment", "rocketchat").spec.selector.matchLabels;
            for (const rule of rulesAdmitting(rocketchat, metricsPort)) {
                // A rule without ports admits only Rocket.Chat's own pods (instance-to-instance traffic).
                assert.deepEqual(rule.from, rule.ports ? [monitoringNamespacePeer] : [{ podSelector: { matchLabels: selector } }]);
            }
            assert.ok(rulesAdmitting(rocketchat, metricsPort).some((rule: any) => rule.ports), "Prometheus is admitted");
            const exporter = findObject(run, "NetworkPolicy", "rocketchat-mongodb-exporter");
            assert.deepEqual(exporter.spec.ingress, [{ from: [monitoringNamespacePeer], ports: [{ protocol: "TCP", port: exporterPort }] }]);
            assert.deepEqual(exporter.spec.podSelector.matchLabels, findObject(run, "Deployment", "rocketchat-mongodb-exporter").spec.selector.matchLabels);
        });

        it("runs the exporter restricted, as the monitoring user from the Secret, reaching every member", async () => {
            const run = await stackRun("prod");
            const deployment = findObject(run, "Deployment", "rocketchat-mongodb-exporter");
            const pod = deployment.spec.template;
            const [container] = pod.spec.containers;
            assert.equal(container.image, "percona/mongodb_exporter:0.47.1");
            assert.ok(container.args.includes("--split-cluster") && container.args.includes("--collector.replicasetstatus"));
            const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
            assert.deepEqual(env.MONGODB_USER.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-users", key: "monitoring-username" });
            assert.deepEqual(env.MONGODB_PASSWORD.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-users", key: "monitoring-password" });
            const hosts = [0, 1, 2].map((i) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.rocketchat-prod.svc.cluster.local:27017`);
            assert.equal(env.MONGODB_URI.value, `mongodb://${hosts.join(",")}/admin?authSource=admin`);
            // The MongoDB NetworkPolicy admits pods with the client label.
            assert.equal(pod.metadata.labels["rocketchat-ha.io/mongodb-client"], "rocketchat");
            assert.equal(pod.spec.securityContext.runAsNonRoot, true);
            assert.equal(container.securityContext.readOnlyRootFilesystem, true);
            assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
            assert.ok(container.livenessProbe && container.readinessProbe && container.resources.limits.memory);
        });

        it("creates the monitoring user in the bootstrap with its password from the Secret", async () => {
            const run = await stackRun("prod");
            const [job] = objectsOfKind(run, "Job").filter((j) => j.metadata.name.startsWith("rocketchat-mongodb-bootstrap-"));
            const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
            assert.deepEqual(env.MONITORING_PASSWORD.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-users", key: "monitoring-password" });
            assert.ok(findObject(run, "Secret", "rocketchat-mongodb-users").stringData["monitoring-password"].length >= 32);
        });

        it("puts no credential in an argument, a plain env value, a ConfigMap or a monitoring object", async () => {
            const run = await stackRun("prod");
            const secrets = [...run.secretValues].filter((value) => value.length >= 8);
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

    describe("dev with monitoringEnabled but no Prometheus Operator", () => {
        it("serves the metrics and the dashboard but declares no CustomResources", async () => {
            const run = await runStack("dev", { monitoringEnabled: true });
            assert.deepEqual(monitoringResources(run), []);
            findObject(run, "Deployment", "rocketchat-mongodb-exporter");
            findObject(run, "Service", "rocketchat-metrics");
            const model = dashboardModel(run);
            // dev has no autoscaler: the pods panel shows no autoscaler series.
            const pods = model.panels.find((p: any) => p.title === "Rocket.Chat pods available");
            assert.deepEqual(pods.targets.map((t: any) => t.legendFormat), ["available", "wanted"]);
            assert.equal(rocketchatEnv(run).OVERWRITE_SETTING_Prometheus_Enabled.value, "true");
        });
    });
});
