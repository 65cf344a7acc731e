/**
 * What a planned change does to the running stack, read from its steps
 * (settingSweep.ts ResourceChange): which workloads' pods are replaced,
 * which Jobs run, and which objects are updated, created, replaced or
 * deleted. Data only; tools/changesDoc.ts puts it in words.
 */
import { changedPaths, isAtOrBelow } from "./changedPaths";
import type { ResourceChange } from "./settingSweep";

export interface PodRestart {
    /** "Kind/name" of the workload. */
    readonly workload: string;
    /** Its app.kubernetes.io/name label: what runs in its pods. */
    readonly app: string;
    /** Its update strategy (the Kubernetes default when unset: RollingUpdate). */
    readonly strategy: string;
}

export interface ChangeEffects {
    /** Workloads updated in place whose pod template changed: Kubernetes replaces their pods. */
    readonly restarts: readonly PodRestart[];
    /** Jobs created or replaced, by name without the spec hash: each runs once. */
    readonly jobRuns: readonly string[];
    /** "Kind/name" of each object in the stack's state, by step. */
    readonly updated: readonly string[];
    readonly created: readonly string[];
    /** With the changed paths (or dependency) that force the replacement. */
    readonly replaced: readonly { readonly resource: string; readonly reasons: readonly string[] }[];
    readonly deleted: readonly string[];
    /** Deleted from the stack but retainOnDelete: the object stays in the cluster. */
    readonly keptInCluster: readonly string[];
}

/** "Kind/name"; other providers' kinds keep the provider ("random:RandomPassword/..."). */
export function resourceLabel(resource: string): string {
    const [type, name] = resource.split("::");
    const kind = type.split(":").pop();
    return type.startsWith("kubernetes:") ? `${kind}/${name}` : `${type.split(":")[0]}:${kind}/${name}`;
}

const isJob = (resource: string) => resource.startsWith("kubernetes:batch/v1:Job::");
const workloadKinds = /^kubernetes:apps\/v1:(Deployment|StatefulSet|DaemonSet)::/;
const replacing = new Set(["replace", "delete-before-replace"]);

/** A Job's name without the hash of its spec the program appends (a changed spec is a new Job, so it runs again). */
export function jobBaseName(resource: string): string {
    return resource.split("::")[1].replace(/-[0-9a-f]{8,}$/, "");
}

function podRestart(change: ResourceChange): PodRestart | undefined {
    if (change.step.op !== "update" || !workloadKinds.test(change.step.resource)) {
        return undefined;
    }
    if (!changedPaths(change.before, change.after).some((path) => isAtOrBelow(path, "spec.template"))) {
        return undefined;
    }
    const spec = change.after.spec ?? {};
    return {
        workload: resourceLabel(change.step.resource),
        app: change.after.metadata?.labels?.["app.kubernetes.io/name"] ?? change.after.metadata?.name,
        strategy: (spec.strategy ?? spec.updateStrategy)?.type ?? "RollingUpdate",
    };
}

export function changeEffects(changes: readonly ResourceChange[]): ChangeEffects {
    // Components have no object of their own: their children's steps say it all.
    const objects = changes.filter((change) => change.custom);
    const ofOp = (...ops: string[]) => objects.filter((c) => ops.includes(c.step.op)).map((c) => c.step.resource);
    const jobRuns = [...new Set(objects.filter((c) => isJob(c.step.resource) && (c.step.op === "create" || replacing.has(c.step.op)))
        .map((c) => jobBaseName(c.step.resource)))];
    // The Job a new run takes over from is deleted with it: that is part of the run, not a deletion to report.
    const partOfRun = (resource: string) => isJob(resource) && jobRuns.includes(jobBaseName(resource));
    const deleted = objects.filter((c) => c.step.op === "delete" && !partOfRun(c.step.resource));
    return {
        restarts: objects.map(podRestart).filter((restart): restart is PodRestart => restart !== undefined),
        jobRuns,
        updated: ofOp("update").map(resourceLabel),
        created: ofOp("create").filter((r) => !partOfRun(r)).map(resourceLabel),
        replaced: objects.filter((c) => replacing.has(c.step.op) && !partOfRun(c.step.resource))
            .map((c) => ({ resource: resourceLabel(c.step.resource), reasons: c.step.reasons })),
        deleted: deleted.filter((c) => !c.retainOnDelete).map((c) => resourceLabel(c.step.resource)),
        keptInCluster: deleted.filter((c) => c.retainOnDelete).map((c) => resourceLabel(c.step.resource)),
    };
}
