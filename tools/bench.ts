/**
 * `npm run bench`: how long the prod render takes as a whole process, against
 * the floor of loading the Pulumi SDK (`node -e "require('@pulumi/pulumi')"`)
 * measured in the same run, interleaved so both see the same machine load.
 * Every run is a fresh (cold) Node process; the on-disk caches the render
 * keeps (.cache/: transpiled TypeScript, compiled code, Route schema) are
 * filled by one untimed warm-up render, as on any machine after its first render.
 *
 * Usage: npm run bench [-- --runs N --stack S]
 */
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { cpus, loadavg, tmpdir } from "os";
import * as path from "path";
import { parseArgs } from "util";
import { projectRoot } from "./stackConfig";

const targetRatio = 1.6;
const timeBinary = "/usr/bin/time";

interface Sample {
    readonly seconds: number;
    /** User + system CPU seconds: steadier than wall time on a busy machine. */
    readonly cpuSeconds?: number;
    /** Peak resident set size in MiB, when /usr/bin/time is there to tell. */
    readonly peakMiB?: number;
}

interface Subject {
    readonly label: string;
    readonly command: string[];
    /** Exit statuses of a complete run (a render that found problems still did all its work). */
    readonly completed: readonly number[];
}

function measure(subject: Subject, scratch: string): Sample {
    const memoryFile = path.join(scratch, "rusage");
    const useTime = existsSync(timeBinary);
    const [file, ...args] = useTime ? [timeBinary, "-f", "%M %U %S", "-o", memoryFile, ...subject.command] : subject.command;
    const started = process.hrtime.bigint();
    const run = spawnSync(file, args, { cwd: projectRoot, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status === null || !subject.completed.includes(run.status)) {
        throw new Error(`${subject.label} failed (exit ${run.status}): ${run.stderr}`);
    }
    if (!useTime) {
        return { seconds };
    }
    const [peakKiB, user, system] = readFileSync(memoryFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    return { seconds, cpuSeconds: user + system, peakMiB: peakKiB / 1024 };
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function describe(label: string, samples: readonly Sample[]): string {
    const seconds = samples.map((s) => s.seconds);
    const peaks = samples.map((s) => s.peakMiB).filter((p): p is number => p !== undefined);
    const cpu = samples.map((s) => s.cpuSeconds).filter((c): c is number => c !== undefined);
    const memory = peaks.length ? `, peak RSS ${Math.max(...peaks).toFixed(0)} MiB` : "";
    const cpuText = cpu.length ? `, CPU median ${median(cpu).toFixed(2)} s` : "";
    return `${label.padEnd(8)} median ${median(seconds).toFixed(3)} s (min ${Math.min(...seconds).toFixed(3)}, max ${Math.max(...seconds).toFixed(3)})${cpuText}${memory}`;
}

function main(): void {
    const { values } = parseArgs({ options: { runs: { type: "string", default: "7" }, stack: { type: "string", default: "prod" } } });
    const runs = Number(values.runs);
    const scratch = mkdtempSync(path.join(tmpdir(), "render-bench-"));
    const floor: Subject = { label: "floor", command: [process.execPath, "-e", "require('@pulumi/pulumi')"], completed: [0] };
    const render: Subject = { label: "render", command: [process.execPath, path.join("tools", "renderCli.js"), values.stack!, "--out", path.join(scratch, "out")], completed: [0, 1] };
    try {
        const warmUp = measure(render, scratch);
        console.log(`warm-up render (fills .cache/, not counted): ${warmUp.seconds.toFixed(3)} s`);
        const floorSamples: Sample[] = [];
        const renderSamples: Sample[] = [];
        for (let run = 0; run < runs; run++) {
            floorSamples.push(measure(floor, scratch));
            renderSamples.push(measure(render, scratch));
        }
        const ratio = median(renderSamples.map((s) => s.seconds)) / median(floorSamples.map((s) => s.seconds));
        console.log(`${runs} cold runs each, interleaved, Node ${process.version}`);
        console.log(describe("floor", floorSamples) + "   node -e \"require('@pulumi/pulumi')\"");
        console.log(describe("render", renderSamples) + `   npm run render -- ${values.stack}`);
        console.log(`ratio    ${ratio.toFixed(2)}x the floor in wall time (target <= ${targetRatio}x): ${ratio <= targetRatio ? "within target" : "OVER TARGET"}`);
        const cpuOf = (samples: Sample[]) => samples.map((s) => s.cpuSeconds).filter((c): c is number => c !== undefined);
        if (cpuOf(renderSamples).length) {
            console.log(`         ${(median(cpuOf(renderSamples)) / median(cpuOf(floorSamples))).toFixed(2)}x the floor in CPU time; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
        }
    } finally {
        rmSync(scratch, { recursive: true, force: true });
    }
}

main();
