/** Runs `npm run ops -- ...args` as a user would and collects its output and exit code. */
import { spawn } from "child_process";
import * as path from "path";

export interface OpsResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export function runOps(args: string[]): Promise<OpsResult> {
    return new Promise((resolve) => {
        const child = spawn("npm", ["run", "-s", "ops", "--", ...args], { cwd: path.join(__dirname, "..", "..") });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}
