/**
 * The type of an object a builder returns: a `kubernetes-models` interface
 * whose apiVersion, kind and metadata.name stay plain (they name the Pulumi
 * resource and are known to the builder), every other string field also
 * accepting the builder's opaque value V (see Opaque in kubernetesObjects.ts).
 */
import type { Opaque } from "./kubernetesObjects";

interface TypedObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata?: object;
}

export type Built<T extends TypedObject, V> = Opaque<Omit<T, "apiVersion" | "kind" | "metadata">, V> &
    Pick<T, "apiVersion" | "kind"> & {
        readonly metadata: Opaque<Omit<NonNullable<T["metadata"]>, "name" | "namespace">, V> & { readonly name: string; readonly namespace: string };
    };
