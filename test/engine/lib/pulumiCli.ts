/**
 * Runs the real Pulumi CLI (test/engine/build.sh: .cache/engine) on a copy of
 * the project, with a local file backend and the passphrase secrets
 * provider: no Pulumi Cloud, no plugin downloads.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubeconfig } from "../../e2e/lib/kube";

export const root = path.resolve(__dirname, "../../..");
export const engineCache = process.env.ENGINE_CACHE ?? path.join(root, ".cache", "engine");

export interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * A scratch project: the repository's program files are linked in (so the
 * program runs from this checkout, node_modules included), Pulumi.yaml is
 * copied, and stack files are written here by the test and the CLI, never in
 * the checkout.
 */
export class EngineProject {
    readonly dir: string;
    readonly backend: string;
    readonly passphrase = "engine-test-passphrase";

    constructor() {
        const base = fs.mkdtempSync(path.join(os.tmpdir(), "rocketchat-ha-engine-"));
        this.dir = path.join(base, "project");
        this.backend = path.join(base, "state");
        fs.mkdirSync(this.dir);
        fs.mkdirSync(this.backend);
        for (const entry of ["index.ts", "components", "tools", "tsconfig.json", "package.json", "node_modules", "policy"]) {
            fs.symlinkSync(path.join(root, entry), path.join(this.dir, entry));
        }
        fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(this.dir, "Pulumi.yaml"));
    }

    writeStackFile(stack: string, yaml: string): void {
        fs.writeFileSync(path.join(this.dir, `Pulumi.${stack}.yaml`), yaml);
    }

    env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
        return {
            ...process.env,
            PATH: [path.join(engineCache, "bin"), path.join(engineCache, "host"), process.env.PATH].join(path.delimiter),
            PULUMI_HOME: path.join(engineCache, "home"),
            PULUMI_BACKEND_URL: `file://${this.backend}`,
            PULUMI_CONFIG_PASSPHRASE: this.passphrase,
            // Only the plugins build.sh installed: a missing one is a failure, not a download.
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            // Enables `--event-log` (the engine's event stream, for the ordering check).
            PULUMI_DEBUG_COMMANDS: "true",
            // `npm test` type-checks the program; here it only has to run.
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            KUBECONFIG: kubeconfig(),
            ...extra,
        };
    }

    /** Runs `pulumi ARGS` in the project; never throws, the caller checks the code. */
    run(args: string[], extraEnv: Record<string, string> = {}, timeoutMs = 20 * 60_000): Promise<CliResult> {
        return new Promise((resolve) => {
            const child = spawn(path.join(engineCache, "bin", "pulumi"), [...args, "--non-interactive"], {
                cwd: this.dir,
                env: this.env(extraEnv),
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ code: code ?? -1, stdout, stderr });
            });
        });
    }

    /** Runs and throws with the CLI's output on a non-zero exit. */
    async ok(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
        const res = await this.run(args, extraEnv);
        if (res.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} failed (${res.code}):\n${res.stdout.slice(-6000)}\n${res.stderr.slice(-4000)}`);
        }
        return res;
    }

    /** The engine's event log (`--event-log FILE`): one JSON event per line. */
    static readEvents(file: string): any[] {
        return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
    }

    eventLog(name: string): string {
        return path.join(path.dirname(this.backend), `${name}.events.jsonl`);
    }

    /** Every file the file backend wrote (checkpoints, history, backups), as raw text. */
    backendText(): string {
        const files = (fs.readdirSync(this.backend, { recursive: true }) as string[])
            .map((f) => path.join(this.backend, f))
            .filter((f) => fs.statSync(f).isFile());
        if (files.length === 0) {
            throw new Error(`the file backend under ${this.backend} is empty`);
        }
        return files.map((f) => fs.readFileSync(f, "utf8")).join("\n");
    }

    remove(): void {
        fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
    }
}
