/**
 * Recommended Kubernetes labels (app.kubernetes.io/*). The selector set is the
 * stable subset used by Services, anti-affinity and PodDisruptionBudgets; it
 * must never change after the first deployment because selectors are immutable.
 */
export interface WorkloadIdentity {
    /** Instance name, e.g. the platform component's name ("rocketchat"). */
    readonly instance: string;
    /** What this workload is, e.g. "mongodb" or "rocketchat". */
    readonly name: string;
    /** Its role in the architecture, e.g. "database", "chat", "backup". */
    readonly component: string;
}

export function selectorLabels(id: WorkloadIdentity): Record<string, string> {
    return {
        "app.kubernetes.io/name": id.name,
        "app.kubernetes.io/instance": id.instance,
        "app.kubernetes.io/component": id.component,
    };
}

export function standardLabels(id: WorkloadIdentity, version?: string): Record<string, string> {
    return {
        ...selectorLabels(id),
        "app.kubernetes.io/part-of": "rocketchat-ha",
        "app.kubernetes.io/managed-by": "pulumi",
        ...(version ? { "app.kubernetes.io/version": version.slice(0, 63).replace(/[^A-Za-z0-9_.-]/g, "_") } : {}),
    };
}
