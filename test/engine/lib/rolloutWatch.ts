/**
 * Watches a workload's pods while `pulumi up` runs, to show how many were
 * unavailable at once (issue 31: a rotation must roll one member or one pod
 * at a time, as the PodDisruptionBudget allows, never delete them all).
 *
 * Polls `kubectl get pods` without blocking the event loop (the CLI runs
 * beside it), every `intervalMs`. A pod counts as available when it is Ready
 * and not terminating; a snapshot's unavailable count is the workload's
 * desired replicas minus its available pods. Polling can miss a state that
 * lasts less than the interval; kwok marks a recreated pod Ready within about
 * a second, and the StatefulSet controller deletes the next member only after
 * the previous one is Ready again, so a whole-set deletion (the defect) is
 * seen at once.
 */
import { spawn } from "child_process";
import { kubeconfig, kubectlBin } from "../../e2e/lib/kube";

export interface RolloutObservation {
    /** Most pods unavailable at once in any snapshot. */
    readonly maxUnavailable: number;
    /** Every uid each pod name had while watched, in the order seen. */
    readonly uidsByPod: Record<string, string[]>;
    readonly snapshots: number;
}

function kubectlJson(args: string[]): Promise<any> {
    return new Promise((resolve, reject) => {
        const child = spawn(kubectlBin, ["--kubeconfig", kubeconfig(), ...args, "-o", "json"]);
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`kubectl ${args.join(" ")} exited ${code}`))));
    });
}

const isAvailable = (pod: any) => !pod.metadata.deletionTimestamp && (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");

/** Starts watching the pods `selector` picks in `namespace` (a workload of `replicas`); `stop()` ends the watch and returns what it saw. */
export function watchRollout(namespace: string, replicas: number, selector: Record<string, string>, intervalMs = 300): { stop: () => Promise<RolloutObservation> } {
    const labels = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(",");
    const uidsByPod: Record<string, string[]> = {};
    let maxUnavailable = 0;
    let snapshots = 0;
    let running = true;
    const loop = (async () => {
        while (running) {
            const pods = (await kubectlJson(["get", "pods", "-n", namespace, "-l", labels])).items as any[];
            snapshots++;
            maxUnavailable = Math.max(maxUnavailable, replicas - pods.filter(isAvailable).length);
            for (const pod of pods) {
                const seen = (uidsByPod[pod.metadata.name] ??= []);
                if (seen[seen.length - 1] !== pod.metadata.uid) {
                    seen.push(pod.metadata.uid);
                }
            }
            await new Promise((r) => setTimeout(r, intervalMs));
        }
    })();
    return {
        stop: async () => {
            running = false;
            await loop;
            return { maxUnavailable, uidsByPod, snapshots };
        },
    };
}

/** How many pods of a workload its PodDisruptionBudget lets be unavailable at once. */
export function disruptionsAllowed(budget: any, replicas: number): number {
    const { maxUnavailable, minAvailable } = budget.spec;
    if (typeof maxUnavailable === "number") {
        return maxUnavailable;
    }
    if (typeof minAvailable === "number") {
        return replicas - minAvailable;
    }
    throw new Error(`PodDisruptionBudget ${budget.metadata.name}: only whole-number budgets are read here`);
}
