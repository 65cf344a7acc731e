/**
 * Runs the ops CLI for tests: in process (runCli, the same parsing and
 * commands, no process start-up: most tests), or as a user would
 * (`npm run ops`, a child process: once per behaviour that needs a process,
 * such as the exit status the shell sees or Ctrl-C).
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { runCli } from "../../tools/ops/cli";

export interface OpsResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    /** Wall-clock time from start to exit. */
    readonly millis: number;
}

const projectRoot = path.join(__dirname, "..", "..");

function collect(child: ChildProcess): Promise<OpsResult> {
    const started = Date.now();
    return new Promise((resolve) => {
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : -1), stdout, stderr, millis: Date.now() - started }));
    });
}

/**
 * `ops ...args` in this process, with `env` set for the run (restored after):
 * output and exit code as the process would have them.
 */
export async function runOpsInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<OpsResult> {
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    const assign = (values: NodeJS.ProcessEnv) => Object.entries(values).forEach(([key, value]) => (value === undefined ? delete process.env[key] : (process.env[key] = value)));
    const stdout: string[] = [];
    const stderr: string[] = [];
    const started = Date.now();
    assign(env);
    try {
        const code = await runCli(args, undefined, { out: (line) => stdout.push(line), err: (line) => stderr.push(line) });
        return { code, stdout: stdout.map((line) => `${line}\n`).join(""), stderr: stderr.map((line) => `${line}\n`).join(""), millis: Date.now() - started };
    } finally {
        assign(saved);
    }
}

/** `npm run ops -- ...args` as a user runs it: a child process. */
export function runOps(args: string[], env: NodeJS.ProcessEnv = {}): Promise<OpsResult> {
    return collect(spawn("npm", ["run", "-s", "ops", "--", ...args], { cwd: projectRoot, env: { ...process.env, ...env } }));
}

/**
 * Starts the ops CLI as the npm script does, but as a direct child, so a
 * test can send it the SIGINT a terminal's Ctrl-C sends.
 */
export function startOps(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; result: Promise<OpsResult> } {
    const child = spawn(process.execPath, ["-r", "./tools/tsTranspileCache.js", "tools/ops/cli.ts", ...args], { cwd: projectRoot, env: { ...process.env, ...env } });
    return { child, result: collect(child) };
}
