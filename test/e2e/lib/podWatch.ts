/**
 * Every change the apiserver reports for the pods of a selector, in order,
 * from a `kubectl get --watch` stream. Polling misses states kwok passes
 * through in milliseconds; a watch sees each one, so "at every moment"
 * claims are checked against every state the pods were in.
 */
import { spawn } from "child_process";
import { kubeconfig, kubectlBin } from "./kube";

export interface PodEvent {
    readonly type: "ADDED" | "MODIFIED" | "DELETED";
    readonly pod: any;
}

/** Splits a stream of concatenated JSON documents (kubectl -o json --watch) into values. */
export function parseJsonStream(text: string): any[] {
    const values: any[] = [];
    let depth = 0;
    let start = -1;
    let inString = false;
    let escaped = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (ch === "\\") {
                escaped = true;
            } else if (ch === "\"") {
                inString = false;
            }
            continue;
        }
        if (ch === "\"") {
            inString = true;
        } else if (ch === "{") {
            if (depth++ === 0) {
                start = i;
            }
        } else if (ch === "}" && --depth === 0) {
            values.push(JSON.parse(text.slice(start, i + 1)));
        }
    }
    return values;
}

export interface PodWatch {
    /** Stops the watch and returns every event seen, in order. */
    stop(): Promise<PodEvent[]>;
}

/** Starts watching; resolves once the watch has delivered the current pods (so no later change is missed). */
export async function watchPods(ns: string, selector: string, existing: number): Promise<PodWatch> {
    const child = spawn(kubectlBin, ["--kubeconfig", kubeconfig(), "get", "pods", "-n", ns, "-l", selector, "--watch", "--output-watch-events", "-o", "json"]);
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => { out += chunk; });
    const deadline = Date.now() + 30_000;
    while (parseJsonStream(out).length < existing) {
        if (Date.now() > deadline) {
            child.kill();
            throw new Error(`the pod watch delivered ${parseJsonStream(out).length} of ${existing} pods in 30 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
        stop: async () => {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            child.kill();
            return parseJsonStream(out).map((e) => ({ type: e.type, pod: e.object }));
        },
    };
}

export function podReady(pod: any): boolean {
    return pod.status?.phase === "Running" && (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
}

/**
 * Replays the events: after each, the pods by name as they stood. Pods being
 * deleted (deletionTimestamp) count as gone: they no longer serve.
 */
export function* statesOf(events: PodEvent[]): Generator<Map<string, any>> {
    const pods = new Map<string, any>();
    for (const event of events) {
        if (event.type === "DELETED" || event.pod.metadata.deletionTimestamp) {
            pods.delete(event.pod.metadata.name);
        } else {
            pods.set(event.pod.metadata.name, event.pod);
        }
        yield pods;
    }
}
