/**
 * What "one pod per node" means for a pod template: a *required* pod
 * anti-affinity term on kubernetes.io/hostname whose label selector selects
 * the template's own pods in its own namespace. Anything else (preferred
 * terms, another topology key, a selector that matches other pods or none)
 * lets two replicas share a node, so one node failure takes out both.
 */
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Unwrap } from "@pulumi/pulumi";
import { selectorMatches } from "./labelSelectors";
import { PodTemplate } from "./kubernetes";

type PodAffinityTerm = Unwrap<k8s.core.v1.PodAffinityTerm>;

export const hostnameTopologyKey = "kubernetes.io/hostname";

/** Why a required hostname anti-affinity term does or does not spread this template. */
export interface SpreadFinding {
    readonly spreads: boolean;
    /** When it does not: what is wrong, as one sentence. */
    readonly problem?: string;
}

/** A term that names other namespaces (or a namespace selector) looks beyond the pod's own. */
function coversOwnNamespace(term: PodAffinityTerm, ownNamespace: string): boolean {
    const namespaces = term.namespaces;
    if (namespaces && namespaces.length > 0) {
        return namespaces.includes(ownNamespace);
    }
    // An empty namespaceSelector means all namespaces (own included); a non-empty one cannot be judged offline.
    const selector = term.namespaceSelector;
    return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}

export function requiredHostnameSpread(template: PodTemplate, ownNamespace: string): SpreadFinding {
    const antiAffinity = template.spec.affinity?.podAntiAffinity;
    const required = antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    if (required.length === 0) {
        const preferredOnly = (antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
        return {
            spreads: false,
            problem: preferredOnly
                ? "has only preferred pod anti-affinity, which the scheduler may ignore and put two replicas on one node."
                : "has no required pod anti-affinity, so several replicas can land on one node.",
        };
    }
    const onHostname = required.filter((term) => term.topologyKey === hostnameTopologyKey);
    if (onHostname.length === 0) {
        const keys = required.map((term) => term.topologyKey ?? "(none)").join(", ");
        return { spreads: false, problem: `has required pod anti-affinity only on topology key(s) ${keys}, not ${hostnameTopologyKey}.` };
    }
    const selectingSelf = onHostname.find((term) =>
        selectorMatches(term.labelSelector, template.labels) && coversOwnNamespace(term, ownNamespace));
    if (!selectingSelf) {
        const shown = JSON.stringify(onHostname[0].labelSelector ?? null);
        return {
            spreads: false,
            problem: `has required ${hostnameTopologyKey} anti-affinity whose labelSelector ${shown} does not select the pod's own labels ${JSON.stringify(template.labels)}, so it keeps nothing apart.`,
        };
    }
    return { spreads: true };
}
