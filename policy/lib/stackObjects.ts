/**
 * The Kubernetes objects of a stack, for stack policies that relate several
 * objects: a Deployment to its claims, an autoscaler to its target, a
 * workload to the disruption budget and NetworkPolicy that select it.
 */
import { kubernetesKind, namespaceOf } from "./kubernetes";
import { KubeObject, PolicyResource } from "./policyTypes";

export interface StackObject {
    readonly kind: string;
    readonly urn: string;
    readonly props: KubeObject;
}

export function kubernetesObjectsOf(resources: PolicyResource[]): StackObject[] {
    return resources.flatMap((resource) => {
        const kind = kubernetesKind(resource.type);
        return kind ? [{ kind, urn: resource.urn, props: resource.props }] : [];
    });
}

export function objectsOfKind(objects: StackObject[], kind: string): StackObject[] {
    return objects.filter((object) => object.kind === kind);
}

/** The object of `kind` called `name` in `namespace`, if the stack declares it. */
export function findNamed(objects: StackObject[], kind: string, name: string, namespace: string): StackObject | undefined {
    return objects.find((object) =>
        object.kind === kind && object.props.metadata?.name === name && namespaceOf(object.props) === namespace);
}

/** Autoscalers whose scaleTargetRef points at this workload. */
export function autoscalersOf(objects: StackObject[], workload: StackObject): StackObject[] {
    return objectsOfKind(objects, "HorizontalPodAutoscaler").filter((hpa) => {
        const target = hpa.props.spec?.scaleTargetRef ?? {};
        return target.kind === workload.kind
            && target.name === workload.props.metadata?.name
            && namespaceOf(hpa.props) === namespaceOf(workload.props);
    });
}

/** The most pods a workload may run: its replicas or its autoscaler's maximum. */
export function mostPods(declared: number, autoscalers: StackObject[]): number {
    return Math.max(declared, ...autoscalers.map((hpa) => Number(hpa.props.spec?.maxReplicas ?? 0)));
}
