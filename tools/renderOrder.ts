/**
 * A stable, readable order so two renders diff cleanly: objects in the order
 * Helm installs kinds (dependencies first), then by namespace and name; keys
 * of each object in a fixed order (apiVersion, kind, metadata, then sorted).
 */

// Helm's InstallOrder (pkg/release/util/kind_sorter.go); other kinds follow, by name.
const kindOrder = [
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
    "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
    "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
];

function kindRank(kind: string): number {
    const rank = kindOrder.indexOf(kind);
    return rank === -1 ? kindOrder.length : rank;
}

function compareText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

export interface SortableManifest {
    readonly manifest: { kind?: string; metadata?: { name?: string; namespace?: string } };
    /** Pulumi resource name: breaks the last ties. */
    readonly resourceName: string;
}

export function compareManifests(a: SortableManifest, b: SortableManifest): number {
    const kindA = a.manifest.kind ?? "";
    const kindB = b.manifest.kind ?? "";
    return (
        kindRank(kindA) - kindRank(kindB) ||
        compareText(kindA, kindB) ||
        compareText(a.manifest.metadata?.namespace ?? "", b.manifest.metadata?.namespace ?? "") ||
        compareText(a.manifest.metadata?.name ?? "", b.manifest.metadata?.name ?? "") ||
        compareText(a.resourceName, b.resourceName)
    );
}

const leadingKeys = ["apiVersion", "kind", "metadata"];

/** Keys sorted at every level (arrays keep their order; it means something). */
export function withStableKeys(value: any, top = true): any {
    if (Array.isArray(value)) {
        return value.map((item) => withStableKeys(item, false));
    }
    if (!value || typeof value !== "object") {
        return value;
    }
    const keys = Object.keys(value).sort(compareText);
    const ordered = top ? [...leadingKeys.filter((k) => k in value), ...keys.filter((k) => !leadingKeys.includes(k))] : keys;
    return Object.fromEntries(ordered.filter((key) => value[key] !== undefined).map((key) => [key, withStableKeys(value[key], false)]));
}

export function compareResources(a: { type: string; name: string }, b: { type: string; name: string }): number {
    return compareText(a.type, b.type) || compareText(a.name, b.name);
}
