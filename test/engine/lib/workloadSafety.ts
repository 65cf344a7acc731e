/**
 * The rule of issue 31, checked on what the engine and the cluster did in one
 * `pulumi up`: no StatefulSet or Deployment is deleted or replaced (the same
 * objects, by uid, before and after), and no workload has more pods
 * unavailable at once than its PodDisruptionBudget allows.
 *
 * The engine's operations come from its event log (`--event-log`): each
 * step's `resourcePreEvent.metadata.op`. A delete-before-replace shows there
 * as `delete-replaced` then `create-replacement` (pulumi/pkg
 * resource/deploy/step.go, OpDeleteReplaced, OpCreateReplacement), a
 * create-before-delete as `create-replacement` then `delete-replaced` after
 * it; a plain `replace` step accompanies both.
 */
import { strict as assert } from "assert";
import { getJson } from "../../e2e/lib/kube";
import { EngineProject } from "./pulumiCli";
import { disruptionsAllowed, RolloutObservation, watchRollout } from "./rolloutWatch";

/** Operations that mean the object is deleted or re-created. */
const destructiveOps = new Set(["replace", "create-replacement", "delete-replaced", "delete", "discard-replaced", "import-replacement"]);

const workloadType = /^kubernetes:apps\/v1:(StatefulSet|Deployment)$/;

/** "op type::name" of every step the engine started for a StatefulSet or Deployment, in order. */
export function workloadSteps(events: any[]): string[] {
    return events
        .map((e) => e.resourcePreEvent?.metadata)
        .filter((m) => m && workloadType.test(m.type) && m.op !== "same")
        .map((m) => `${m.op} ${m.type.split(":").pop()}::${m.urn.split("::").pop()}`);
}

export interface WorkloadRun {
    /** What each workload's pods did during the run, by "StatefulSet/name" or "Deployment/name". */
    readonly observed: Record<string, RolloutObservation & { readonly allowed: number }>;
    /** Every step the engine started for a StatefulSet or Deployment. */
    readonly steps: string[];
    /** uid of each workload before and after. */
    readonly uids: Record<string, { readonly before: string; readonly after?: string }>;
    /** The CLI's output (warnings included). */
    readonly output: string;
}

interface LiveWorkload {
    readonly key: string;
    readonly uid: string;
    readonly replicas: number;
    readonly selector: Record<string, string>;
    readonly allowed: number;
}

/** The namespace's StatefulSets and Deployments that have a PodDisruptionBudget, with what it allows. */
function budgetedWorkloads(namespace: string): LiveWorkload[] {
    const budgets = getJson(["pdb", "-n", namespace]).items as any[];
    const workloads = [...getJson(["statefulsets", "-n", namespace]).items, ...getJson(["deployments", "-n", namespace]).items] as any[];
    return workloads.flatMap((w) => {
        const selector = w.spec.selector.matchLabels as Record<string, string>;
        const budget = budgets.find((b) => JSON.stringify(b.spec.selector.matchLabels) === JSON.stringify(selector));
        const replicas = w.spec.replicas ?? 1;
        return budget ? [{ key: `${w.kind}/${w.metadata.name}`, uid: w.metadata.uid, replicas, selector, allowed: disruptionsAllowed(budget, replicas) }] : [];
    });
}

function uidOf(namespace: string, key: string): string | undefined {
    const [kind, name] = key.split("/");
    const found = getJson([kind.toLowerCase() + "s", "-n", namespace]).items.find((w: any) => w.metadata.name === name);
    return found?.metadata.uid;
}

/**
 * `pulumi up` of `stack` while watching every budgeted workload's pods.
 * `replicasDuring` overrides the replica count a workload is held to while
 * its size changes (the smaller of before and after).
 */
export async function upWatchingWorkloads(project: EngineProject, stack: string, namespace: string, logName: string, replicasDuring: Record<string, number> = {}): Promise<WorkloadRun> {
    const live = budgetedWorkloads(namespace);
    const watches = live.map((w) => ({ w, watch: watchRollout(namespace, replicasDuring[w.key] ?? w.replicas, w.selector) }));
    const events = project.eventLog(logName);
    let failure: unknown;
    let output = "";
    try {
        const res = await project.ok(["up", "--stack", stack, "--yes", "--skip-preview", "--event-log", events]);
        output = res.stdout + res.stderr;
    } catch (error) {
        failure = error;
    }
    const observed: WorkloadRun["observed"] = {};
    for (const { w, watch } of watches) {
        observed[w.key] = { ...(await watch.stop()), allowed: w.allowed };
    }
    if (failure) {
        throw failure;
    }
    const uids = Object.fromEntries(live.map((w) => [w.key, { before: w.uid, after: uidOf(namespace, w.key) }]));
    // The figures docs/credential-rotation.md quotes, in the engine log.
    for (const [key, seen] of Object.entries(observed)) {
        const restarted = Object.values(seen.uidsByPod).filter((u) => u.length > 1).length;
        console.log(`      [${logName}] ${key}: at most ${seen.maxUnavailable} unavailable (budget ${seen.allowed}), ${Object.keys(seen.uidsByPod).length} pod names seen, ` +
            `${restarted} restarted in place, ${seen.snapshots} snapshots`);
    }
    return { observed, steps: workloadSteps(EngineProject.readEvents(events)), uids, output };
}

/** Fails unless no workload was deleted or replaced and none lost more pods at once than its budget allows. */
export function assertNoWorkloadOutage(run: WorkloadRun, what: string): void {
    const destructive = run.steps.filter((s) => destructiveOps.has(s.split(" ")[0]));
    assert.deepEqual(destructive, [], `${what}: the engine deleted or replaced a workload (steps: ${run.steps.join(", ")})`);
    for (const [key, { before, after }] of Object.entries(run.uids)) {
        assert.equal(after, before, `${what}: ${key} is the same object (uid) after the run`);
    }
    for (const [key, seen] of Object.entries(run.observed)) {
        assert.ok(seen.snapshots > 0, `${what}: ${key}'s pods were watched`);
        assert.ok(seen.maxUnavailable <= seen.allowed,
            `${what}: ${key} had ${seen.maxUnavailable} pods unavailable at once; its PodDisruptionBudget allows ${seen.allowed}`);
    }
}

/** Pod names whose uid changed while watched: a StatefulSet's members that were restarted. */
export function restartedPods(seen: RolloutObservation): string[] {
    return Object.entries(seen.uidsByPod).filter(([, uids]) => uids.length > 1).map(([name]) => name).sort();
}

/** Every pod name seen while watched: a Deployment that rolled shows more names than its replicas. */
export function podsSeen(seen: RolloutObservation): string[] {
    return Object.keys(seen.uidsByPod).sort();
}
