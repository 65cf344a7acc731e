/**
 * A workload's placement from the `podPlacement` and `imagePullSecrets`
 * settings: `all` first, then the workload's own entry (maps merged key by
 * key, the workload's value winning; tolerations added; its priority class
 * replacing all's). Pure: components spread the results into their pod
 * templates.
 */
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IToleration as Toleration } from "kubernetes-models/v1/Toleration";
import { PlacedWorkload, PodPlacementSetting } from "./placementSettings";

export interface WorkloadPlacement {
    readonly nodeSelector: Record<string, string>;
    readonly tolerations: Toleration[];
    readonly priorityClassName?: string;
    readonly imagePullSecrets: string[];
    readonly podLabels: Record<string, string>;
    readonly podAnnotations: Record<string, string>;
}

/** Nothing beyond the program's own placement. */
export const noPlacement: WorkloadPlacement = { nodeSelector: {}, tolerations: [], imagePullSecrets: [], podLabels: {}, podAnnotations: {} };

export function placementFor(settings: { podPlacement: PodPlacementSetting; imagePullSecrets: string[] }, workload: PlacedWorkload): WorkloadPlacement {
    const all = settings.podPlacement.all ?? {};
    const own = settings.podPlacement[workload] ?? {};
    const priorityClassName = own.priorityClassName ?? all.priorityClassName;
    return {
        nodeSelector: { ...all.nodeSelector, ...own.nodeSelector },
        tolerations: [...(all.tolerations ?? []), ...(own.tolerations ?? [])],
        ...(priorityClassName ? { priorityClassName } : {}),
        imagePullSecrets: settings.imagePullSecrets,
        podLabels: { ...all.podLabels, ...own.podLabels },
        podAnnotations: { ...all.podAnnotations, ...own.podAnnotations },
    };
}

/** Pod spec fields for a placement; empty ones are left out so templates stay as they were without settings. */
export function placementSpec(p: WorkloadPlacement = noPlacement): Pick<IPodSpec, "nodeSelector" | "tolerations" | "priorityClassName" | "imagePullSecrets"> {
    return {
        ...(Object.keys(p.nodeSelector).length > 0 ? { nodeSelector: p.nodeSelector } : {}),
        ...(p.tolerations.length > 0 ? { tolerations: p.tolerations } : {}),
        ...(p.priorityClassName ? { priorityClassName: p.priorityClassName } : {}),
        ...(p.imagePullSecrets.length > 0 ? { imagePullSecrets: p.imagePullSecrets.map((name) => ({ name })) } : {}),
    };
}

/**
 * Pod template metadata with the extra labels and annotations. The program's
 * own keys are applied last: the settings refuse its prefixes, and this keeps
 * selectors intact even so.
 */
export function placementMetadata<V = never>(p: WorkloadPlacement = noPlacement, labels: Record<string, string>, annotations?: Record<string, string | V>): { labels: Record<string, string>; annotations?: Record<string, string | V> } {
    const mergedAnnotations = { ...p.podAnnotations, ...annotations };
    return {
        labels: { ...p.podLabels, ...labels },
        ...(Object.keys(mergedAnnotations).length > 0 ? { annotations: mergedAnnotations } : {}),
    };
}
