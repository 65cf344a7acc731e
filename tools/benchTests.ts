/**
 * `npm run bench:tests`: how long `npm test` takes, in its two parts, each run
 * as a fresh process: the type-check (`npm run typecheck`) and the whole mocha
 * suite (mocha with .mocharc's bootstrap and npm test's spec glob). Two floors
 * are measured in the same run, interleaved with the subjects so all see the
 * same machine load: loading the Pulumi SDK (as tools/bench.ts does) and mocha
 * with no spec (the cost of the bootstrap alone). Targets from issue 15: the
 * mocha part <= 20 s, the whole <= 60 s, best of N on an idle machine; the load
 * average is printed because this machine is often shared.
 *
 * Usage: npm run bench:tests -- [--runs N] [--spec <files>]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { cpus, loadavg, tmpdir } from "os";
import * as path from "path";
import { parseArgs } from "util";
import { describeSamples, measure, median, Sample, Subject } from "./benchTiming";
import { projectRoot } from "./stackConfig";

const targets = { mocha: 20, total: 60 };
/** npm test's spec globs, read from package.json's "test" script so the bench measures what npm test runs. */
function npmTestSpecs(): string[] {
    const script: string = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")).scripts.test;
    const mocha = script.slice(script.indexOf("mocha "));
    return [...mocha.matchAll(/'([^']+)'/g)].map((match) => match[1]);
}
const mochaBin = path.join("node_modules", "mocha", "bin", "mocha.js");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const best = (samples: readonly Sample[]) => Math.min(...samples.map((s) => s.seconds));
const loads = () => loadavg().map((l) => l.toFixed(1)).join(" ");

function main(): void {
    const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, spec: { type: "string" } } });
    const specs = values.spec ? [values.spec] : npmTestSpecs();
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) {
        throw new Error(`--runs ${values.runs}: a positive whole number of runs is allowed`);
    }
    const scratch = mkdtempSync(path.join(tmpdir(), "test-bench-"));
    const emptySpec = path.join(scratch, "empty.test.ts");
    writeFileSync(emptySpec, "export {};\n");
    const subjects: Record<"sdk" | "emptyMocha" | "typecheck" | "mocha", Subject> = {
        sdk: { label: "floor: SDK", command: [process.execPath, "-e", "require('@pulumi/pulumi')"], completed: [0] },
        // One empty spec: mocha loads .mocharc's bootstrap and reporter, runs nothing.
        emptyMocha: { label: "floor: mocha", command: [process.execPath, mochaBin, emptySpec], completed: [0] },
        typecheck: { label: "typecheck", command: [npm, "run", "-s", "typecheck"], completed: [0, 2] },
        // A failing test still ran the whole suite; its status is reported below.
        mocha: { label: "mocha", command: [process.execPath, mochaBin, ...specs], completed: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    };
    const samples = { sdk: [] as Sample[], emptyMocha: [] as Sample[], typecheck: [] as Sample[], mocha: [] as Sample[] };
    try {
        console.log(`load average at start ${loads()} on ${cpus().length} CPUs`);
        for (let run = 0; run < runs; run++) {
            for (const key of Object.keys(subjects) as (keyof typeof subjects)[]) {
                samples[key].push(measure(subjects[key], projectRoot, scratch));
            }
            console.log(`run ${run + 1}/${runs}: typecheck ${samples.typecheck[run].seconds.toFixed(1)} s, mocha ${samples.mocha[run].seconds.toFixed(1)} s (exit ${samples.mocha[run].status}), load ${loads()}`);
        }
        const totals: Sample[] = samples.typecheck.map((t, i) => ({ seconds: t.seconds + samples.mocha[i].seconds, status: Math.max(t.status, samples.mocha[i].status) }));
        const width = 12;
        console.log(`${runs} cold runs each, interleaved, Node ${process.version}, spec ${specs.join(" ")}`);
        console.log(describeSamples(subjects.sdk.label, samples.sdk, width) + `   best ${best(samples.sdk).toFixed(3)} s   node -e "require('@pulumi/pulumi')"`);
        console.log(describeSamples(subjects.emptyMocha.label, samples.emptyMocha, width) + `   best ${best(samples.emptyMocha).toFixed(3)} s   mocha with no spec`);
        console.log(describeSamples(subjects.typecheck.label, samples.typecheck, width) + `   best ${best(samples.typecheck).toFixed(3)} s   npm run typecheck`);
        console.log(describeSamples(subjects.mocha.label, samples.mocha, width) + `   best ${best(samples.mocha).toFixed(3)} s   mocha ${specs.map((spec) => `'${spec}'`).join(" ")}`);
        console.log(`${"total".padEnd(width)} median ${median(totals.map((t) => t.seconds)).toFixed(3)} s   best ${best(totals).toFixed(3)} s   typecheck + mocha of the same run`);
        const verdict = (label: string, seconds: number, target: number) => `${label} best ${seconds.toFixed(1)} s (target <= ${target} s): ${seconds <= target ? "within target" : "OVER TARGET"}`;
        console.log(verdict("mocha", best(samples.mocha), targets.mocha));
        console.log(verdict("total", best(totals), targets.total));
        const failed = samples.mocha.filter((s) => s.status !== 0).length + samples.typecheck.filter((s) => s.status !== 0).length;
        if (failed > 0) {
            console.log(`WARNING: ${failed} of ${2 * runs} timed runs exited non-zero (failing tests or type errors): the figures time a suite that does not pass`);
        }
        console.log(`load average at end ${loads()} on ${cpus().length} CPUs (1, 5, 15 min)`);
    } finally {
        rmSync(scratch, { recursive: true, force: true });
    }
}

main();
