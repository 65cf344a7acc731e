/** Runs `npm run ops -- ...args` as a user would and collects its output and exit code. */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

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
