/**
 * Plain Kubernetes objects as the builders return them, and the one place
 * that turns such an object into a Pulumi resource.
 *
 * Builders (pure functions, no Pulumi runtime) return objects typed with the
 * `kubernetes-models` interfaces (IService, IStatefulSet, ...). A value the
 * builder cannot know (a generated password, a Keycloak client secret, a name
 * only a provider computes) enters as an opaque value of the builder's type
 * parameter: a placeholder string in tests and the render, a pulumi.Output in
 * the program. `Opaque<T, V>` widens an interface's string fields to accept
 * such a value wherever a builder needs to put one.
 */
import * as pulumi from "@pulumi/pulumi";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import * as k8s from "./k8s";

/** Any Kubernetes object a builder returns: apiVersion, kind and metadata with a name. */
export interface KubernetesObject {
    readonly apiVersion: string;
    readonly kind: string;
    // No index signatures: the kubernetes-models interfaces (IConfigMap, IJob, ...) have none and must fit.
    readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
}

/** T with every string field (deeply) also accepting V: where generated values go. apiVersion and kind stay literal. */
export type Opaque<T, V> = T extends string
    ? T | V
    : T extends readonly (infer E)[]
        ? readonly Opaque<E, V>[]
        : T extends object
            ? { [K in keyof T]: K extends "apiVersion" | "kind" ? T[K] : Opaque<T[K], V> }
            : T;

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The provider classes this program registers, by "apiVersion/kind". */
const resourceClasses: Record<string, ResourceClass> = {
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Namespace": k8s.core.v1.Namespace,
    "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/Service": k8s.core.v1.Service,
    "apps/v1/Deployment": k8s.apps.v1.Deployment,
    "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
    "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
    "batch/v1/CronJob": k8s.batch.v1.CronJob,
    "batch/v1/Job": k8s.batch.v1.Job,
    "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
    "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
};

/**
 * Registers one built object as a Pulumi resource named `resourceName`
 * (usually its metadata.name). Kinds without a typed class here (ServiceMonitor,
 * PrometheusRule, OpenShift Route) go through CustomResource. The object goes
 * in unchanged: the provider classes set apiVersion and kind themselves, so the
 * registered inputs are exactly what the builder returned.
 */
export function declareObject(resourceName: string, object: KubernetesObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const resourceClass = resourceClasses[`${object.apiVersion}/${object.kind}`];
    if (resourceClass) {
        const { apiVersion: _apiVersion, kind: _kind, ...args } = object;
        return new resourceClass(resourceName, args, opts);
    }
    return new k8s.apiextensions.CustomResource(resourceName, object as ConstructorParameters<typeof k8s.apiextensions.CustomResource>[1], opts);
}

/**
 * Registers a server-side-apply patch of an object the stack does not create
 * (a claim the StatefulSet controller made): only the fields given are
 * applied, and deleting the patch gives the fields up without deleting the
 * object (pulumi-kubernetes await.go Deletion: ssa.Relinquish for patch
 * resources).
 */
export function declarePatch(resourceName: string, object: IPersistentVolumeClaim, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const { apiVersion: _apiVersion, kind: _kind, ...args } = object;
    return new k8s.core.v1.PersistentVolumeClaimPatch(resourceName, args as k8s.core.v1.PersistentVolumeClaimPatchArgs, opts);
}

/**
 * A built object whose body may hold opaque values V while apiVersion, kind
 * and metadata stay plain (Opaque<T, V> alone would widen the kind literal and
 * the name, which declareObject and the refs functions need as strings).
 */
export type OpaqueBody<T extends { readonly apiVersion: string; readonly kind: string }, V> =
    Pick<T, "apiVersion" | "kind" | Extract<"metadata", keyof T>> & Opaque<Omit<T, "apiVersion" | "kind" | "metadata">, V>;
