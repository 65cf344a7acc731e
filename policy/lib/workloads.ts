/**
 * A workload is any object that carries a pod template, seen with its kind,
 * template, replica count and a readable name. Resource policies about pods
 * (images, probes, resources, security, anti-affinity) validate workloads
 * with validateWorkloads; stack policies find them with workloadsOf.
 */
import { describeObject } from "./message";
import { ContainerEntry, namespaceOf, PodTemplate, podTemplateOf, WorkloadKind, workloadKinds, WorkloadProps } from "./kubernetes";
import { PolicyResource, ReportViolation, ResourceValidation, ResourceValidationArgs } from "./policyTypes";

export interface Workload {
    /** "Deployment", "StatefulSet", "CronJob"... */
    readonly kind: string;
    readonly props: WorkloadProps;
    readonly template: PodTemplate;
    readonly namespace: string;
    /** Pods meant to keep running, as opposed to Jobs that run to completion. */
    readonly longRunning: boolean;
    /** Replicas asked for (1 for kinds without a count). */
    readonly replicas: number;
    /** "StatefulSet rocketchat-prod/rocketchat-mongodb", for messages. */
    readonly title: string;
    /** Where the pod spec sits in the object, for messages ("spec.template.spec"). */
    readonly podSpecPath: string;
}

/** The workload a resource of `kind` with these inputs is, or undefined when it has no pod template. */
export function workloadOf(kind: WorkloadKind, props: WorkloadProps): Workload | undefined {
    const template = podTemplateOf(kind.kind, props);
    if (!template) {
        return undefined;
    }
    return {
        kind: kind.kind,
        props,
        template,
        namespace: namespaceOf(props),
        longRunning: kind.longRunning,
        replicas: kind.replicas(props),
        title: describeObject(kind.kind, props),
        podSpecPath: kind.podSpecPath,
    };
}

/** The field path of one container, for messages: "spec.template.spec.initContainers[name=install-keyfile]". */
export function containerPath(workload: Workload, entry: ContainerEntry): string {
    const list = { container: "containers", initContainer: "initContainers", ephemeralContainer: "ephemeralContainers" }[entry.role];
    return `${workload.podSpecPath}.${list}[name=${entry.container.name ?? ""}]`;
}

export type WorkloadCheck = (workload: Workload, report: ReportViolation, args: ResourceValidationArgs) => void;

/**
 * A resource validation for every kind that runs pods: validateResourceOfType
 * for a set of classes. The resource's class (args.isType, as the analyzer
 * decides it) picks the kind; any other resource is "not applicable", as
 * validateResourceOfType reports it. One function, not one per class, so
 * that a workload policy is "not applicable" only to resources that are no
 * workload at all.
 */
export function validateWorkloads(check: WorkloadCheck): ResourceValidation {
    return (args, report) => {
        const kind = workloadKinds.find((candidate) => args.isType(candidate.resourceClass));
        if (!kind) {
            return args.notApplicable(`Policy only applies to resources that run pods (${workloadKinds.map((candidate) => candidate.kind).join(", ")})`);
        }
        const workload = workloadOf(kind, args.props as WorkloadProps);
        if (workload) {
            check(workload, report, args);
        }
    };
}

/** A workload of the stack, with the URN violations are reported on. */
export interface StackWorkload extends Workload {
    readonly urn: string;
}

/** Every workload among a stack's resources, in the stack's order. */
export function workloadsOf(resources: readonly PolicyResource[]): StackWorkload[] {
    return resources.flatMap((resource) => {
        const kind = workloadKinds.find((candidate) => resource.isType(candidate.resourceClass));
        const workload = kind && workloadOf(kind, resource.props as WorkloadProps);
        return workload ? [{ ...workload, urn: resource.urn }] : [];
    });
}
