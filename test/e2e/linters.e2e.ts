/**
 * Third-party checks on the rendered YAML of every stack. A finding passes
 * only when it is skipped, with its reason, in the tool's own configuration:
 *   kube-score: .kube-score.yaml (test id, stacks, objects, reason)
 *   checkov:    .checkov.yaml (skip-check) and .checkov.baseline (per resource)
 * Anything else is a new finding and fails the run.
 * (kube-linter is not served by the Go module proxy here; see docs/cluster-tests.md.)
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { load } from "js-yaml";

const root = path.resolve(__dirname, "../..");
const cache = process.env.E2E_CACHE ?? path.join(root, ".cache", "e2e");
const rendered = process.env.E2E_RENDERED ?? path.join(cache, "rendered");
const stacks = ["dev", "test", "prod"];

/** Job names end in a content hash (bootstrap-<8 hex>); findings are matched without it. */
function stableName(resource: string): string {
    return resource.replace(/-[0-9a-f]{8}(?=$|\.)/, "-<hash>");
}

describe("third-party linters on the rendered YAML", function () {
    before(function () {
        for (const stack of stacks) {
            assert.ok(fs.existsSync(path.join(rendered, `${stack}.yaml`)), `no rendered ${stack}.yaml in ${rendered}: run test/e2e/run.sh`);
        }
    });

    describe("kube-score", function () {
        interface Ignore { test: string; status: string; reason: string; stacks?: string[]; objects?: string[]; message?: string }
        let config: { kubernetesVersion: string; ignore: Ignore[] };
        const used = new Set<Ignore>();
        before(function () {
            config = load(fs.readFileSync(path.join(root, ".kube-score.yaml"), "utf8")) as typeof config;
        });
        after(function () {
            const stale = (config?.ignore ?? []).filter((i) => !used.has(i));
            if (stale.length) {
                console.log(`      .kube-score.yaml entries that matched nothing (drop them): ${stale.map((i) => `${i.test} [${i.objects ?? "*"}]`).join("; ")}`);
            }
        });

        it("every recorded exception carries a status and a reason", function () {
            for (const entry of config.ignore) {
                assert.ok(["not-applicable", "fix-requested"].includes(entry.status), `${entry.test}: status ${entry.status}`);
                assert.ok(typeof entry.reason === "string" && entry.reason.length > 40, `kube-score exception ${entry.test} has no reason`);
            }
        });

        for (const stack of stacks) {
            it(`${stack}: no kube-score CRITICAL or WARNING beyond .kube-score.yaml`, function () {
                const res = spawnSync(path.join(cache, "bin", "kube-score"), [
                    "score", "--output-format", "json", "--kubernetes-version", config.kubernetesVersion, path.join(rendered, `${stack}.yaml`),
                ], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
                const objects: any[] = JSON.parse(res.stdout || "null") ?? [];
                assert.ok(objects.length > 5, `kube-score scored too few objects: ${res.stderr}`);
                const fresh: string[] = [];
                for (const obj of objects) {
                    const ref = stableName(`${obj.type_meta.kind}/${obj.object_meta.name}`);
                    for (const check of obj.checks) {
                        if (check.skipped || (check.grade !== 1 && check.grade !== 5)) {
                            continue;
                        }
                        const text = (check.comments ?? []).map((c: any) => `${c.path ? `(${c.path}) ` : ""}${c.summary}`).join("; ");
                        const match = config.ignore.find((i) => i.test === check.check.id
                            && (!i.stacks || i.stacks.includes(stack))
                            && (!i.objects || i.objects.some((o) => new RegExp(`^${o}$`).test(ref)))
                            && (!i.message || text.includes(i.message)));
                        if (match) {
                            used.add(match);
                        } else {
                            fresh.push(`${ref} ${check.check.id} ${check.grade === 1 ? "CRITICAL" : "WARNING"}: ${text}`);
                        }
                    }
                }
                assert.deepStrictEqual(fresh, [], `new kube-score findings in ${stack}`);
            });
        }
    });

    describe("checkov", function () {
        it("no checkov finding beyond .checkov.yaml skips and .checkov.baseline", function () {
            if (process.env.E2E_NO_CHECKOV === "1") {
                console.log("      checkov not installed: PyPI could not be reached");
                this.skip();
            }
            // Run inside the folder: checkov finds nothing in a directory reached through a hidden folder (.cache).
            const res = spawnSync(path.join(cache, "venv", "bin", "checkov"), [
                "--config-file", path.join(root, ".checkov.yaml"), "-d", ".", "-o", "json",
            ], { cwd: rendered, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
            let reports: any = JSON.parse(res.stdout);
            reports = Array.isArray(reports) ? reports : [reports];
            const passed = reports.reduce((n: number, r: any) => n + (r.summary?.passed ?? 0), 0);
            assert.ok(passed > 100, `checkov ran too few checks (${passed}): ${res.stderr.slice(-2000)}`);

            const baseline = JSON.parse(fs.readFileSync(path.join(root, ".checkov.baseline"), "utf8"));
            const accepted = new Set<string>();
            for (const file of baseline.failed_checks) {
                for (const finding of file.findings) {
                    for (const id of finding.check_ids) {
                        accepted.add(`${path.basename(file.file)} ${stableName(finding.resource)} ${id}`);
                    }
                }
            }
            const fresh = reports
                .flatMap((r: any) => r.results?.failed_checks ?? [])
                .map((f: any) => `${path.basename(f.file_path)} ${stableName(f.resource)} ${f.check_id}`)
                .filter((key: string) => !accepted.has(key));
            assert.deepStrictEqual([...new Set(fresh)], [], "new checkov findings (file resource check):");
        });
    });
});
