/**
 * Reading Kubernetes objects as Pulumi presents them to a policy: their
 * inputs, typed by the @pulumi/kubernetes resource class that declared them.
 * The kind comes from the class (args.isType, the way @pulumi/policy's
 * validateResourceOfType decides), never from parsing the type token. Shared
 * here: the pod template inside each workload kind and every container of a
 * pod, so all policies agree on what a "workload" is.
 */
import { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "@pulumi/kubernetes/apps/v1";
import { CronJob, Job } from "@pulumi/kubernetes/batch/v1";
import { Pod } from "@pulumi/kubernetes/core/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Resource, Unwrap } from "@pulumi/pulumi";

/** A @pulumi/kubernetes resource class, as validateResourceOfType takes it. */
export type ResourceClass<TArgs = any> = { new (name: string, args: TArgs, ...rest: any[]): Resource };

/** The inputs a policy sees for a resource of `C` (what validateResourceOfType hands its callback). */
export type PropsOf<C> = C extends { new (name: string, args?: infer TArgs, ...rest: any[]): Resource } ? Unwrap<NonNullable<TArgs>> : never;

export type ObjectMeta = Unwrap<k8s.meta.v1.ObjectMeta>;
export type LabelSelector = Unwrap<k8s.meta.v1.LabelSelector>;
export type PodTemplateSpec = Unwrap<k8s.core.v1.PodTemplateSpec>;
export type PodSpec = Unwrap<k8s.core.v1.PodSpec>;
export type Container = Unwrap<k8s.core.v1.Container>;
export type Labels = Record<string, string>;

/** Any object a policy describes: only its metadata is read. */
export interface WithMetadata {
    readonly metadata?: ObjectMeta;
}

export type DeploymentProps = PropsOf<typeof Deployment>;
export type StatefulSetProps = PropsOf<typeof StatefulSet>;

/** One kind that runs pods: its class, where it keeps its pod template, how many pods it asks for. */
export interface WorkloadKind<P extends WithMetadata = any> {
    readonly kind: string;
    readonly resourceClass: ResourceClass;
    /** Where the pod spec sits in the object, for messages ("spec.template.spec"). */
    readonly podSpecPath: string;
    /** Pods meant to keep running (probes apply to these), as opposed to Jobs that run to completion. */
    readonly longRunning: boolean;
    readonly template: (props: P) => PodTemplateSpec | undefined;
    /** Replicas asked for; Kubernetes defaults a missing count to 1. */
    readonly replicas: (props: P) => number;
}

function workloadKind<C extends ResourceClass>(kind: string, resourceClass: C, longRunning: boolean, podSpecPath: string, template: (props: PropsOf<C>) => PodTemplateSpec | undefined, replicas: (props: PropsOf<C>) => number = () => 1): WorkloadKind<PropsOf<C>> {
    return { kind, resourceClass, podSpecPath, longRunning, template, replicas };
}

const specReplicas = (props: { spec?: { replicas?: number } }) => (typeof props.spec?.replicas === "number" ? props.spec.replicas : 1);

/**
 * Kinds that run pods, at the API versions a 1.29+ cluster serves (the
 * README's prerequisite; the beta versions of these kinds are gone by 1.25).
 */
export const workloadKinds: readonly WorkloadKind[] = [
    workloadKind("Deployment", Deployment, true, "spec.template.spec", (p) => p.spec?.template, specReplicas),
    workloadKind("StatefulSet", StatefulSet, true, "spec.template.spec", (p) => p.spec?.template, specReplicas),
    workloadKind("DaemonSet", DaemonSet, true, "spec.template.spec", (p) => p.spec?.template),
    workloadKind("ReplicaSet", ReplicaSet, true, "spec.template.spec", (p) => p.spec?.template, specReplicas),
    workloadKind("Job", Job, false, "spec.template.spec", (p) => p.spec?.template),
    workloadKind("CronJob", CronJob, false, "spec.jobTemplate.spec.template.spec", (p) => p.spec?.jobTemplate?.spec?.template),
    // A bare Pod is its own template.
    workloadKind("Pod", Pod, true, "spec", (p) => p),
];

/** The inputs of any workload kind. */
export type WorkloadProps = PropsOf<typeof Deployment> | PropsOf<typeof StatefulSet> | PropsOf<typeof DaemonSet>
    | PropsOf<typeof ReplicaSet> | PropsOf<typeof Job> | PropsOf<typeof CronJob> | PropsOf<typeof Pod>;

export function workloadKindNamed(kind: string | undefined): WorkloadKind | undefined {
    return workloadKinds.find((candidate) => candidate.kind === kind);
}

export interface PodTemplate {
    readonly labels: Labels;
    readonly spec: PodSpec;
}

/** A template with its labels and spec filled in (both optional in the API). */
function podTemplate(template: PodTemplateSpec | undefined): PodTemplate | undefined {
    return template ? { labels: template.metadata?.labels ?? {}, spec: template.spec ?? ({} as PodSpec) } : undefined;
}

/** The pod template of a workload of `kind` (its name, e.g. from a plain object's kind field), or undefined for kinds that run no pods. */
export function podTemplateOf(kind: string | undefined, props: WorkloadProps): PodTemplate | undefined {
    return podTemplate(workloadKindNamed(kind)?.template(props));
}

export type ContainerRole = "container" | "initContainer" | "ephemeralContainer";

export interface ContainerEntry {
    readonly role: ContainerRole;
    readonly container: Container;
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function containersOf(podSpec: PodSpec): ContainerEntry[] {
    const entries = (role: ContainerRole, list: readonly Container[] | undefined) =>
        (list ?? []).map((container) => ({ role, container }));
    return [
        ...entries("initContainer", podSpec.initContainers),
        ...entries("container", podSpec.containers),
        // An ephemeral container has a container's fields (name, image, env, command, args, securityContext).
        ...entries("ephemeralContainer", podSpec.ephemeralContainers as Container[] | undefined),
    ];
}

/** "init container install-keyfile" / "container mongod" for messages. */
export function describeContainer(entry: ContainerEntry): string {
    const role = { container: "container", initContainer: "init container", ephemeralContainer: "ephemeral container" }[entry.role];
    return `${role} ${entry.container.name ?? "(unnamed)"}`;
}

/** A namespace as written; objects without one land in the provider's default. */
export function namespaceOf(props: WithMetadata): string {
    return props.metadata?.namespace ?? "";
}
