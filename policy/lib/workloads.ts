/**
 * Runs a check on every object that carries a pod template, handing it the
 * kind, the template and a readable name. Resource policies about pods
 * (images, probes, resources, security, anti-affinity) are built on this.
 */
import { describeObject } from "./message";
import { kubernetesKind, namespaceOf, podTemplateOf, PodTemplate } from "./kubernetes";
import { KubeObject, ReportViolation, ResourceValidationArgs } from "./policyTypes";

export interface Workload {
    readonly kind: string;
    readonly props: KubeObject;
    readonly template: PodTemplate;
    readonly namespace: string;
    /** "StatefulSet rocketchat-prod/rocketchat-mongodb", for messages. */
    readonly title: string;
}

export type WorkloadCheck = (workload: Workload, report: ReportViolation, args: ResourceValidationArgs) => void;

/** A validateResource function that ignores everything but pod-bearing objects. */
export function validateWorkloads(check: WorkloadCheck) {
    return (args: ResourceValidationArgs, report: ReportViolation): void => {
        const kind = kubernetesKind(args.type);
        const template = podTemplateOf(kind, args.props);
        if (!kind || !template) {
            return;
        }
        check({ kind, props: args.props, template, namespace: namespaceOf(args.props), title: describeObject(kind, args.props) }, report, args);
    };
}
