/**
 * What the providers decide for a changed resource: update in place or
 * replace, and whether a replacement deletes first. A stand-in for the real
 * providers' Diff, for the fast two-run model (plannedSteps.ts); each rule
 * names its source, and test/engine confirms the model on the real engine.
 */
import { changedPaths, isAtOrBelow } from "./changedPaths";

/** The default kubernetes provider's options that change its replace rules (components/kubernetesProviderConfig.ts). */
export interface KubernetesProviderOptions {
    readonly enableSecretMutable: boolean;
    readonly enableConfigMapMutable: boolean;
}

/** The options as a stack's config values give them to the provider (only the string "true" turns one on, provider.go:586-616). */
export function providerOptionsOf(values: Readonly<Record<string, string>>): KubernetesProviderOptions {
    return {
        enableSecretMutable: values["kubernetes:enableSecretMutable"] === "true",
        enableConfigMapMutable: values["kubernetes:enableConfigMapMutable"] === "true",
    };
}

/**
 * pulumi-kubernetes v4.25.0 `provider/pkg/provider/diff.go`, the forceNew
 * table: a change at or below one of these paths replaces the object.
 * Keyed by "apiVersion/Kind" as the program writes them; a kind without an
 * entry (CronJob, Ingress, NetworkPolicy, HorizontalPodAutoscaler,
 * policy/v1 PodDisruptionBudget, ServiceAccount, Role, Namespace) is
 * replaced only for a new name or namespace.
 */
const forceNewByKind: Readonly<Record<string, readonly string[]>> = {
    "v1/PersistentVolumeClaim": ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"], // diff.go:110-117
    "v1/Service": ["spec.clusterIP"], // diff.go:157-159
    "apps/v1/Deployment": ["spec.selector"], // diff.go:163-175
    "apps/v1/StatefulSet": ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"], // diff.go:195-204
    "batch/v1/Job": ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"], // diff.go:77-81, 177-185
    "rbac.authorization.k8s.io/v1/RoleBinding": ["roleRef"], // diff.go:64-68
};

/**
 * diff.go:27-32, 154-156: a Secret's `data`/`stringData`/`type` and a
 * ConfigMap's `data`/`binaryData` replace it unless the provider's mutable
 * option is on and the new object is not `immutable: true`; with the option,
 * a Secret's `type` still replaces it.
 */
function dataPaths(kind: string, after: any, options: KubernetesProviderOptions): string[] {
    const immutable = after?.immutable === true;
    if (kind === "v1/Secret") {
        return options.enableSecretMutable && !immutable ? ["type"] : ["data", "stringData", "type"];
    }
    if (kind === "v1/ConfigMap") {
        return options.enableConfigMapMutable && !immutable ? [] : ["data", "binaryData"];
    }
    return [];
}

/** Every object: a new name or namespace is another object (diff.go:24, 206-211). */
const identityPaths = ["metadata.name", "metadata.namespace"];

/** Every path whose change replaces a Kubernetes object written as `after`. */
function forceNewPaths(after: any, options: KubernetesProviderOptions): string[] {
    const kind = `${after.apiVersion}/${after.kind}`;
    return [...identityPaths, ...(forceNewByKind[kind] ?? []), ...dataPaths(kind, after, options)];
}

/**
 * Whether the provider replaces an object whose top-level input `key` is
 * unknown: what the engine asks when that input came from a resource it
 * replaces delete-before-replace (step_generator.go:3061-3115, which blanks
 * the whole key). Any forceNew path under the key makes it a replacement.
 */
export function replacedWhenUnknown(type: string, after: any, key: string, options: KubernetesProviderOptions): boolean {
    if (type.startsWith("random:")) {
        return true;
    }
    if (!type.startsWith("kubernetes:")) {
        return false;
    }
    return forceNewPaths(after, options).some((path) => isAtOrBelow(path, key));
}

export type ProviderDecision = "same" | "update" | "replace";

export interface ProviderDiff {
    readonly decision: ProviderDecision;
    /** The changed paths that force the replacement, when it is one. */
    readonly replaceReasons: readonly string[];
    /** Whether the replacement deletes the old object before creating the new one. */
    readonly deleteBeforeReplace: boolean;
}

/**
 * The provider's answer for one resource whose inputs went from `before` to
 * `after`; `ignoreChanges` paths are left out, as the engine does before it
 * asks the provider.
 */
export function providerDiff(type: string, before: any, after: any, options: KubernetesProviderOptions, ignoreChanges: readonly string[] = []): ProviderDiff {
    const changed = changedPaths(before, after).filter((path) => !ignoreChanges.some((ignored) => isAtOrBelow(path, ignored)));
    if (changed.length === 0) {
        return { decision: "same", replaceReasons: [], deleteBeforeReplace: false };
    }
    if (type.startsWith("kubernetes:")) {
        const forceNew = forceNewPaths(after, options);
        const reasons = changed.filter((path) => forceNew.some((prefix) => isAtOrBelow(path, prefix)));
        // provider.go:1510-1521: a replaced object whose name is set (not
        // autonamed) and unchanged must be deleted before it is created again.
        const sameName = before.metadata?.name === after.metadata?.name && before.metadata?.namespace === after.metadata?.namespace;
        return reasons.length > 0
            ? { decision: "replace", replaceReasons: reasons, deleteBeforeReplace: sameName && typeof after.metadata?.name === "string" }
            : { decision: "update", replaceReasons: [], deleteBeforeReplace: false };
    }
    if (type.startsWith("random:")) {
        // terraform-provider-random: every input is RequiresReplace; the values have no name to clash.
        return { decision: "replace", replaceReasons: changed, deleteBeforeReplace: false };
    }
    // Other providers (keycloak): an update as far as this model knows; the SSO tests cover them.
    return { decision: "update", replaceReasons: [], deleteBeforeReplace: false };
}
