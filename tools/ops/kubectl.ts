/**
 * kubectl as the ops CLI uses it: one-shot commands with clear errors for an
 * unreachable cluster or a missing namespace, reading Secret keys without
 * printing them, and a port-forward started and stopped by the CLI itself.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { doing } from "./activity";
import { OpsError } from "./errors";

export interface KubectlOptions {
    /** kubeconfig context. Defaults to the current context. */
    readonly context?: string;
    /** The kubectl binary. Defaults to "kubectl" on PATH. */
    readonly binary?: string;
    /** kubectl's --request-timeout for one-shot calls, in seconds. Defaults to kubectl's own (none). */
    readonly requestTimeoutSeconds?: number;
}

/** stderr lines by which kubectl says it never reached the API server. */
const unreachable = /Unable to connect to the server|connection refused|no such host|i\/o timeout|couldn't get current server API group list|The connection to the server .* was refused|no configuration has been provided/i;

/** The sentence for a failed kubectl command. */
export function explainKubectlFailure(args: readonly string[], stderr: string): OpsError {
    // kubectl's last line is its own summary; earlier ones are klog noise ("E1128 ... memcache.go:265] ...").
    const firstLine = stderr.trim().split("\n").filter((l) => l.trim()).map((l) => l.replace(/^[EWIF]\d{4} [^\]]*\] /, "")).pop() ?? "no output";
    if (unreachable.test(stderr)) {
        return new OpsError(`cannot reach the Kubernetes cluster (kubectl: ${firstLine}); check your kubeconfig context or pass --uri`);
    }
    if (/namespaces? "[^"]+" not found/.test(stderr)) {
        return new OpsError(`kubectl: ${firstLine}: is the stack deployed to this cluster?`);
    }
    return new OpsError(`kubectl ${args.slice(0, 3).join(" ")} failed: ${firstLine}`);
}

export class Kubectl {
    constructor(private readonly options: KubectlOptions = {}) {}

    private argv(args: readonly string[]): string[] {
        return [...(this.options.context ? ["--context", this.options.context] : []), ...args];
    }

    /**
     * Runs kubectl and resolves with stdout; rejects with an OpsError. With a
     * request timeout set, each call also has a deadline for the whole
     * process (discovery plus the request: twice the timeout), so a stalled
     * apiserver cannot hang the CLI. A `streaming` call (attach to a pod) runs
     * without --request-timeout, which would cut the stream, and gets
     * `streaming.seconds` (its own wait, e.g. --pod-running-timeout) on top.
     */
    run(args: readonly string[], input?: string, streaming?: { readonly seconds: number }): Promise<string> {
        const timeout = this.options.requestTimeoutSeconds;
        const argv = timeout !== undefined && !streaming ? [`--request-timeout=${timeout}s`, ...args] : [...args];
        const deadlineSeconds = timeout === undefined ? undefined : 2 * timeout + (streaming?.seconds ?? 0);
        const firstFlag = args.findIndex((arg) => arg.startsWith("-"));
        const step = `running kubectl ${args.slice(0, Math.min(3, firstFlag < 0 ? args.length : firstFlag)).join(" ")}`;
        doing(step);
        return new Promise((resolve, reject) => {
            const child = spawn(this.options.binary ?? "kubectl", this.argv(argv), { stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            const timer = deadlineSeconds === undefined ? undefined : setTimeout(() => {
                child.kill();
                reject(new OpsError(`no answer within ${deadlineSeconds} s while ${step} (--timeout ${timeout} s): is the cluster reachable?`));
            }, deadlineSeconds * 1000);
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("error", (error) => reject(new OpsError(`cannot run kubectl: ${error.message}`)));
            // A kubectl that exits before reading its input (most calls have none) closes the pipe:
            // without this the write fails with an uncaught EPIPE; the exit status tells what happened.
            child.stdin.on("error", () => undefined);
            child.on("close", (code) => {
                clearTimeout(timer);
                return code === 0 ? resolve(stdout) : reject(explainKubectlFailure(args, stderr));
            });
            child.stdin.end(input ?? "");
        });
    }

    async json(args: readonly string[]): Promise<any> {
        // --ignore-not-found with nothing found prints nothing at all.
        const text = await this.run([...args, "-o", "json"]);
        return text.trim() === "" ? {} : JSON.parse(text);
    }

    /** One key of a Secret, decoded; the value never reaches a command line or the terminal. */
    async secretValue(namespace: string, secret: string, key: string): Promise<string> {
        const object = await this.json(["get", "secret", secret, "-n", namespace]);
        const encoded = object.data?.[key];
        if (encoded === undefined) {
            throw new OpsError(`Secret ${namespace}/${secret} has no key '${key}'`);
        }
        return Buffer.from(encoded, "base64").toString("utf8");
    }

    /** Deletes a pod without waiting, synchronously: for interrupt cleanup, when the process is about to exit. */
    deletePodNow(namespace: string, pod: string): void {
        spawnSync(this.options.binary ?? "kubectl", this.argv(["delete", "pod", pod, "-n", namespace, "--wait=false", "--ignore-not-found"]), { stdio: "ignore", timeout: 10_000 });
    }

    /**
     * Forwards a free local port to `target` (e.g. pod/rocketchat-mongodb-0)
     * and resolves once kubectl reports the port. Call `stop()` when done.
     */
    portForward(namespace: string, target: string, remotePort: number, timeoutMs = 15000): Promise<PortForward> {
        doing(`starting kubectl port-forward to ${namespace}/${target}`);
        return new Promise((resolve, reject) => {
            const child = spawn(this.options.binary ?? "kubectl", this.argv(["port-forward", "-n", namespace, target, `:${remotePort}`, "--address", "127.0.0.1"]), { stdio: ["ignore", "pipe", "pipe"] });
            let stderr = "";
            const timer = setTimeout(() => {
                child.kill();
                reject(new OpsError(`kubectl port-forward to ${namespace}/${target} did not start within ${timeoutMs / 1000} s${stderr ? `: ${stderr.trim()}` : ""}`));
            }, timeoutMs);
            child.stdout.on("data", (d) => {
                const port = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(String(d));
                if (port) {
                    clearTimeout(timer);
                    resolve(new PortForward(child, Number(port[1])));
                }
            });
            child.stderr.on("data", (d) => (stderr += d));
            child.on("error", (error) => {
                clearTimeout(timer);
                reject(new OpsError(`cannot run kubectl: ${error.message}`));
            });
            child.on("exit", () => {
                clearTimeout(timer);
                reject(explainKubectlFailure(["port-forward", target], stderr));
            });
        });
    }
}

export class PortForward {
    constructor(private readonly child: ChildProcess, readonly localPort: number) {}

    stop(): void {
        this.child.kill();
    }
}
