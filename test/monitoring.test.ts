/**
 * The monitoring building blocks on their own: the metric catalogue and the
 * PromQL check against it, schedule gaps, the alert rules and the Grafana
 * model. test/monitoringStack.test.ts checks what each stack declares.
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { alertRuleGroups, AlertRulesArgs } from "../components/monitoring/alertRules";
import { backupCronJobNames } from "../components/backup/cronJobNames";
import { allowedAgeSeconds, describeSeconds, longestGapSeconds } from "../components/monitoring/cronInterval";
import { platformDashboard } from "../components/monitoring/dashboardPanels";
import { MonitoredObjects } from "../components/monitoring/expressions";
import { dashboardQueries, grafanaDashboard } from "../components/monitoring/grafanaModel";
import { labelPair, recordFromPairs } from "../components/keyValuePairs";
import { catalogue, ExporterCatalogue, seriesIndex } from "../components/monitoring/metricCatalogue";
import { anyOf, selector } from "../components/monitoring/promql";
import { assertCataloguedPromql, promqlProblems, readPromql } from "./support/promqlCheck";
import { projectRoot } from "../tools/stackConfig";

const objects: MonitoredObjects = {
    namespace: "chat",
    rocketchatDeployment: "rocketchat",
    autoscaler: "rocketchat",
    mongodbStatefulSet: "rocketchat-mongodb",
    scrapeJobs: { rocketchat: "rocketchat-metrics", mongodbExporter: "rocketchat-mongodb-exporter" },
    backupCronJobs: backupCronJobNames("rocketchat"),
};
const thresholds = { replicationLagSeconds: 45, notReadyMinutes: 7, autoscalerMaxedMinutes: 25, backupGraceMinutes: 90 };
const fullArgs: AlertRulesArgs = { objects, thresholds, backupSchedules: { backup: "15 2 * * *", verify: "45 3 * * 0" } };

function rulesByName(args: AlertRulesArgs) {
    return new Map(alertRuleGroups(args).flatMap((group) => group.rules).map((rule) => [rule.alert, rule]));
}

describe("monitoring building blocks", () => {
    describe("metric catalogue", () => {
        it("names a checked source for every exporter and publishes each series name once", () => {
            const seen = new Map<string, string>();
            for (const [id, entry] of Object.entries<ExporterCatalogue>(catalogue)) {
                assert.ok(entry.source.length > 20 && entry.exporter.length > 5, `${id} says where its names come from`);
                assert.ok(Object.keys(entry.metrics).length > 0);
                for (const name of Object.keys(entry.metrics)) {
                    assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, `${name} is a Prometheus metric name`);
                    assert.ok(!seen.has(name), `${name} is listed by ${seen.get(name)} and ${id}`);
                    seen.set(name, id);
                }
            }
        });

        it("expands summaries into their _sum and _count series with quantile only on the base", () => {
            const index = seriesIndex();
            assert.ok(index.get("rocketchat_rest_api")!.labels.includes("quantile"));
            assert.ok(!index.get("rocketchat_rest_api_count")!.labels.includes("quantile"));
            assert.equal(index.get("rocketchat_rest_api_sum")!.exporter, "rocketchat");
            assert.equal(index.get("mongodb_up_count"), undefined, "gauges have no _count");
        });
    });

    describe("PromQL check", () => {
        it("finds metric names and matcher labels with Prometheus's grammar, not inside strings or by() clauses", () => {
            const reading = readPromql('sum by (pod) (rate(rocketchat_rest_api_count{namespace="up",status=~"5.."}[5m])) / on (pod) group_left () up');
            assert.deepEqual(reading.syntaxErrors, []);
            assert.deepEqual(reading.selectors, [
                { metric: "rocketchat_rest_api_count", labels: ["namespace", "status"] },
                { metric: "up", labels: [] },
            ]);
        });

        it("accepts catalogued metrics with their own and the scrape target's labels", () => {
            assert.deepEqual(promqlProblems('max by (instance) (mongodb_myState{namespace="chat",rs_nm="rs0",pod="x"})'), []);
        });

        it("refuses a misspelt or uncatalogued metric, a label the exporter does not publish, and broken syntax", () => {
            assert.deepEqual(promqlProblems("mongodb_members_helth == 0"), ["metric 'mongodb_members_helth' is not in the metric catalogue"]);
            // The name the compatible mode would publish is not what we run.
            assert.match(promqlProblems("mongodb_mongod_replset_member_replication_lag > 10")[0], /not in the metric catalogue/);
            assert.deepEqual(promqlProblems('kube_cronjob_status_last_successful_time{cron_job="x"}'),
                ["label 'cron_job' is not published with kube_cronjob_status_last_successful_time"]);
            assert.match(promqlProblems("sum(mongodb_up")[0], /syntax error/);
        });

        it("throws naming every bad expression", () => {
            assert.throws(() => assertCataloguedPromql([{ name: "alert A", expr: "up" }, { name: "alert B", expr: "nope_total" }]), /alert B: metric 'nope_total'/);
            assert.doesNotThrow(() => assertCataloguedPromql([{ name: "alert A", expr: "up == 0" }]));
        });

        it("quotes label values and escapes regex alternatives", () => {
            assert.equal(selector("up", { job: 'a"b' }), 'up{job="a\\"b"}');
            assert.equal(selector("up", { job: anyOf(["a.b", "c"]) }), 'up{job=~"a\\\\.b|c"}');
            assert.deepEqual(promqlProblems(selector("up", { job: anyOf(["a.b", "c"]) })), []);
        });
    });

    describe("allowed age from a cron schedule", () => {
        const cases: [string, string][] = [
            ["15 2 * * *", "1d"],
            ["45 3 * * 0", "7d"],
            ["*/5 * * * *", "5m"],
            ["0 */6 * * 1-5", "2d 6h"],
            ["0 0 31 * *", "61d"],
            ["0 12 1,15 * 1", "7d"],
            ["@daily", "1d"],
            ["0 0 29 2 *", "1461d"],
        ];
        for (const [schedule, gap] of cases) {
            it(`'${schedule}' runs at least every ${gap}`, () => {
                assert.equal(describeSeconds(longestGapSeconds(schedule)), gap);
            });
        }

        it("adds the grace to the longest gap", () => {
            assert.equal(allowedAgeSeconds("15 2 * * *", 90), 86400 + 5400);
        });
    });

    describe("alert rules", () => {
        it("declares the issue's alerts with thresholds from the arguments", () => {
            const rules = rulesByName(fullArgs);
            assert.deepEqual([...rules.keys()].sort(), [
                "MongoBackupTooOld", "MongoBackupVerificationFailed", "MongoBackupVerificationTooOld",
                "MongoReplicaSetMemberDown", "MongoReplicaSetNoPrimary", "MongoReplicationLagHigh",
                "RocketChatAutoscalerAtMaximum", "RocketChatMonitoringTargetDown", "RocketChatPodsNotReady",
            ]);
            assert.match(rules.get("MongoReplicationLagHigh")!.expr, /\/ 1000 > 45$/);
            assert.equal(rules.get("MongoReplicaSetMemberDown")!.for, "7m");
            assert.equal(rules.get("RocketChatAutoscalerAtMaximum")!.for, "25m");
            // Daily backup: 24h plus 90 minutes of grace; weekly restore test: 7 days plus the same.
            assert.match(rules.get("MongoBackupTooOld")!.expr, /> 91800\)/);
            assert.match(rules.get("MongoBackupVerificationTooOld")!.expr, /> 610200\)/);
            assert.match(rules.get("MongoBackupTooOld")!.expr, /cronjob="rocketchat-backup"/);
            assert.match(rules.get("MongoBackupVerificationFailed")!.expr, /owner_name="rocketchat-backup-verify"/);
        });

        it("scopes every expression to the stack's namespace and names only catalogued metrics", () => {
            for (const rule of rulesByName(fullArgs).values()) {
                const { selectors } = readPromql(rule.expr);
                assert.ok(selectors.length > 0);
                for (const use of selectors) {
                    assert.ok(use.labels.includes("namespace"), `${rule.alert}: ${use.metric} is scoped to the namespace`);
                }
                assert.deepEqual(promqlProblems(rule.expr), [], rule.alert);
            }
        });

        it("carries a summary, a description and a runbook pointing at its section of docs/monitoring.md", () => {
            const docs = readFileSync(path.join(projectRoot, "docs", "monitoring.md"), "utf8");
            const anchors = new Set([...docs.matchAll(/^#{2,4} (.+)$/gm)].map(([, title]) => title.trim().toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")));
            for (const rule of rulesByName(fullArgs).values()) {
                assert.ok(["critical", "warning"].includes(rule.labels.severity));
                assert.ok(rule.annotations.summary.length > 10 && rule.annotations.description.length > 30 && rule.annotations.runbook.length > 50, rule.alert);
                const anchor = /docs\/monitoring\.md#([a-z0-9-]+)/.exec(rule.annotations.runbook)![1];
                assert.ok(anchors.has(anchor), `docs/monitoring.md has a section #${anchor}`);
            }
        });

        it("leaves out the autoscaler and backup alerts when there is neither", () => {
            const rules = rulesByName({ objects: { ...objects, autoscaler: undefined, backupCronJobs: undefined }, thresholds });
            assert.ok(!rules.has("RocketChatAutoscalerAtMaximum"));
            assert.ok(![...rules.keys()].some((name) => name.startsWith("MongoBackup")));
            assert.throws(() => alertRuleGroups({ objects, thresholds }), /backupSchedules are required/);
        });
    });

    describe("dashboard", () => {
        const definition = platformDashboard({
            objects,
            replicationLagSeconds: 45,
            backupAllowedAge: { schedule: "15 2 * * *", verifySchedule: "45 3 * * 0", graceMinutes: 90 },
        });
        const model = JSON.parse(JSON.stringify(grafanaDashboard(definition)));

        it("covers requests, pods, replica-set state and lag, and backup age with catalogued queries", () => {
            const titles = model.panels.map((p: any) => p.title);
            for (const title of ["REST API requests by status", "Rocket.Chat pods available", "Member state", "Replication lag", "Age of the last good backup"]) {
                assert.ok(titles.includes(title), title);
            }
            for (const expr of dashboardQueries(definition)) {
                assert.deepEqual(promqlProblems(expr), [], expr);
            }
        });

        it("lays panels on the 24-column grid without overlap, one query id per target", () => {
            const cells = new Set<string>();
            for (const panel of model.panels) {
                const { x, y, w, h } = panel.gridPos;
                assert.ok(x >= 0 && w > 0 && x + w <= 24, `${panel.title} fits the grid`);
                for (let row = y; row < y + h; row++) {
                    for (let col = x; col < x + w; col++) {
                        assert.ok(!cells.has(`${row}:${col}`), `${panel.title} overlaps another panel`);
                        cells.add(`${row}:${col}`);
                    }
                }
                if (panel.type !== "row") {
                    assert.deepEqual(panel.datasource, { type: "prometheus", uid: "${datasource}" });
                    assert.equal(new Set(panel.targets.map((t: any) => t.refId)).size, panel.targets.length);
                }
            }
            assert.equal(new Set(model.panels.map((p: any) => p.id)).size, model.panels.length);
        });

        it("draws the alert thresholds and names replica-set states", () => {
            const lag = model.panels.find((p: any) => p.title === "Replication lag");
            assert.deepEqual(lag.fieldConfig.defaults.thresholds.steps.at(-1), { color: "red", value: 45 });
            const backup = model.panels.find((p: any) => p.title === "Age of the last good backup");
            assert.equal(backup.fieldConfig.defaults.thresholds.steps.at(-1).value, 91800);
            const state = model.panels.find((p: any) => p.title === "Member state");
            assert.equal(state.fieldConfig.defaults.mappings[0].options["1"].text, "PRIMARY");
            assert.ok(definition.uid.length <= 40);
        });

        it("drops the backup row without backups", () => {
            const without = platformDashboard({ objects: { ...objects, backupCronJobs: undefined }, replicationLagSeconds: 45 });
            assert.ok(!without.rows.some((row) => row.title === "Backups"));
        });
    });

    describe("label settings", () => {
        it("accepts key=value labels and refuses malformed ones", () => {
            assert.equal(labelPair("release=kube-prometheus-stack"), undefined);
            assert.equal(labelPair("grafana_dashboard=1"), undefined);
            assert.equal(labelPair("example.com/team="), undefined);
            for (const bad of ["release", "=x", "bad key=x", "k=has space", `k=${"v".repeat(64)}`]) {
                assert.ok(labelPair(bad), `${bad} is refused`);
            }
            assert.deepEqual(recordFromPairs(["a=b", "c=d=e"]), { a: "b", c: "d=e" });
        });
    });
});
