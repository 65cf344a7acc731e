/**
 * The Kubernetes objects of a stack, for stack policies that relate several
 * objects: a Deployment to its claims, an autoscaler to its target, a
 * workload to the disruption budget and NetworkPolicy that select it. Each
 * kind is found by its @pulumi/kubernetes class (PolicyResource.isType) and
 * its inputs typed by that class's args.
 */
import { HorizontalPodAutoscaler as AutoscalerV1 } from "@pulumi/kubernetes/autoscaling/v1";
import { HorizontalPodAutoscaler as AutoscalerV2 } from "@pulumi/kubernetes/autoscaling/v2";
import { namespaceOf, PropsOf, ResourceClass, WithMetadata } from "./kubernetes";
import { PolicyResource } from "./policyTypes";
import { Workload } from "./workloads";

export interface StackObject<P> {
    readonly urn: string;
    readonly props: P;
}

/** The stack's resources of one class, with their typed inputs. */
export function objectsOfType<C extends ResourceClass>(resources: readonly PolicyResource[], resourceClass: C): StackObject<PropsOf<C>>[] {
    return resources
        .filter((resource) => resource.isType(resourceClass))
        .map((resource) => ({ urn: resource.urn, props: resource.props as PropsOf<C> }));
}

/** The object called `name` in `namespace` among `objects`, if the stack declares it. */
export function findNamed<P extends WithMetadata>(objects: readonly StackObject<P>[], name: string, namespace: string): StackObject<P> | undefined {
    return objects.find((object) => object.props.metadata?.name === name && namespaceOf(object.props) === namespace);
}

/** Both autoscaling versions a 1.29+ cluster serves; they agree on scaleTargetRef and maxReplicas. */
export type AutoscalerProps = PropsOf<typeof AutoscalerV1> | PropsOf<typeof AutoscalerV2>;

export function autoscalersIn(resources: readonly PolicyResource[]): StackObject<AutoscalerProps>[] {
    return resources
        .filter((resource) => resource.isType(AutoscalerV2) || resource.isType(AutoscalerV1))
        .map((resource) => ({ urn: resource.urn, props: resource.props as AutoscalerProps }));
}

/** Autoscalers whose scaleTargetRef points at this workload. */
export function autoscalersOf(autoscalers: readonly StackObject<AutoscalerProps>[], workload: Workload): StackObject<AutoscalerProps>[] {
    return autoscalers.filter((hpa) => {
        const target = hpa.props.spec?.scaleTargetRef;
        return target?.kind === workload.kind
            && target.name === workload.props.metadata?.name
            && namespaceOf(hpa.props) === workload.namespace;
    });
}

/** The most pods a workload may run: its replicas or its autoscaler's maximum. */
export function mostPods(workload: Workload, autoscalers: readonly StackObject<AutoscalerProps>[]): number {
    return Math.max(workload.replicas, ...autoscalers.map((hpa) => Number(hpa.props.spec?.maxReplicas ?? 0)));
}
