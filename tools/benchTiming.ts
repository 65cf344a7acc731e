/**
 * Timing a command as a fresh process, shared by the benchmarks
 * (bench.ts: the render; benchTests.ts: the test harness). Wall time is what
 * a user waits; CPU time and peak memory come from /usr/bin/time when the
 * machine has it, because wall time alone drifts with the machine's load.
 */
import { spawnSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import * as path from "path";

const timeBinary = "/usr/bin/time";

export interface Sample {
    readonly seconds: number;
    /** User + system CPU seconds: steadier than wall time on a busy machine. */
    readonly cpuSeconds?: number;
    /** Peak resident set size in MiB, when /usr/bin/time is there to tell. */
    readonly peakMiB?: number;
    /** The exit status, for subjects that accept more than one. */
    readonly status: number;
}

export interface Subject {
    readonly label: string;
    readonly command: string[];
    /** Exit statuses of a complete run (a render that found problems still did all its work). */
    readonly completed: readonly number[];
}

/** Runs `subject` once in `cwd`; `scratch` is a directory for /usr/bin/time's report. */
export function measure(subject: Subject, cwd: string, scratch: string): Sample {
    const memoryFile = path.join(scratch, "rusage");
    const useTime = existsSync(timeBinary);
    const [file, ...args] = useTime ? [timeBinary, "-f", "%M %U %S", "-o", memoryFile, ...subject.command] : subject.command;
    const started = process.hrtime.bigint();
    const run = spawnSync(file, args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status === null || !subject.completed.includes(run.status)) {
        throw new Error(`${subject.label} failed (exit ${run.status}): ${run.stderr}`);
    }
    if (!useTime) {
        return { seconds, status: run.status };
    }
    const [peakKiB, user, system] = readFileSync(memoryFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    return { seconds, cpuSeconds: user + system, peakMiB: peakKiB / 1024, status: run.status };
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One line: median, min and max wall seconds, CPU median and peak memory when known. */
export function describeSamples(label: string, samples: readonly Sample[], width = 8): string {
    const seconds = samples.map((s) => s.seconds);
    const peaks = samples.map((s) => s.peakMiB).filter((p): p is number => p !== undefined);
    const cpu = samples.map((s) => s.cpuSeconds).filter((c): c is number => c !== undefined);
    const memory = peaks.length ? `, peak RSS ${Math.max(...peaks).toFixed(0)} MiB` : "";
    const cpuText = cpu.length ? `, CPU median ${median(cpu).toFixed(2)} s` : "";
    return `${label.padEnd(width)} median ${median(seconds).toFixed(3)} s (min ${Math.min(...seconds).toFixed(3)}, max ${Math.max(...seconds).toFixed(3)})${cpuText}${memory}`;
}
