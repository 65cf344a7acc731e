/**
 * Reading Kubernetes objects as Pulumi presents them: the kind from the type
 * token, the pod template inside each workload kind, and every container of
 * a pod. Policies share these so they agree on what a "workload" is.
 */
import { KubeObject } from "./policyTypes";

/** `kubernetes:apps/v1:Deployment` -> `Deployment`; undefined for other providers. */
export function kubernetesKind(type: string): string | undefined {
    const match = /^kubernetes:[^:]+:([A-Za-z]+)$/.exec(type);
    return match ? match[1] : undefined;
}

/** Kinds that run pods, and where each keeps its pod template. */
const podTemplatePaths: Record<string, (props: KubeObject) => KubeObject | undefined> = {
    Deployment: (p) => p.spec?.template,
    StatefulSet: (p) => p.spec?.template,
    DaemonSet: (p) => p.spec?.template,
    ReplicaSet: (p) => p.spec?.template,
    Job: (p) => p.spec?.template,
    CronJob: (p) => p.spec?.jobTemplate?.spec?.template,
    // A bare Pod is its own template.
    Pod: (p) => p,
};

/** Kinds whose pods are meant to keep running (probes apply to these). */
export const longRunningKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"];

export function isWorkloadKind(kind: string | undefined): kind is string {
    return kind !== undefined && kind in podTemplatePaths;
}

export interface PodTemplate {
    readonly labels: Record<string, string>;
    readonly spec: KubeObject;
}

/** The pod template of a workload, or undefined for kinds that run no pods. */
export function podTemplateOf(kind: string | undefined, props: KubeObject): PodTemplate | undefined {
    if (!isWorkloadKind(kind)) {
        return undefined;
    }
    const template = podTemplatePaths[kind](props);
    if (!template) {
        return undefined;
    }
    return { labels: template.metadata?.labels ?? {}, spec: template.spec ?? {} };
}

export type ContainerRole = "container" | "initContainer" | "ephemeralContainer";

export interface ContainerEntry {
    readonly role: ContainerRole;
    readonly container: KubeObject;
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function containersOf(podSpec: KubeObject): ContainerEntry[] {
    const entries = (role: ContainerRole, list: KubeObject[] | undefined) =>
        (list ?? []).map((container) => ({ role, container }));
    return [
        ...entries("initContainer", podSpec.initContainers),
        ...entries("container", podSpec.containers),
        ...entries("ephemeralContainer", podSpec.ephemeralContainers),
    ];
}

/** "init container install-keyfile" / "container mongod" for messages. */
export function describeContainer(entry: ContainerEntry): string {
    const role = { container: "container", initContainer: "init container", ephemeralContainer: "ephemeral container" }[entry.role];
    return `${role} ${entry.container.name ?? "(unnamed)"}`;
}

/** Replicas a workload asks for; Kubernetes defaults a missing count to 1. */
export function declaredReplicas(kind: string | undefined, props: KubeObject): number {
    if (kind === "Deployment" || kind === "StatefulSet" || kind === "ReplicaSet") {
        return typeof props.spec?.replicas === "number" ? props.spec.replicas : 1;
    }
    return 1;
}

/** A namespace as written; objects without one land in the provider's default. */
export function namespaceOf(props: KubeObject): string {
    return props.metadata?.namespace ?? "";
}
