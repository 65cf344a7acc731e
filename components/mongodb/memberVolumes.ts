/**
 * The members' data claims: their names, and the patches that keep each
 * claim's requested size at mongodbStorageSize, so growing the setting grows
 * every member's volume in place.
 *
 * Why patches and not the StatefulSet's claim template: `volumeClaimTemplates`
 * is replace-only for the kubernetes provider (pulumi-kubernetes diff.go
 * forceNew table) and immutable for the apiserver, and a StatefulSet never
 * resizes claims it already made. So the template keeps the size the set was
 * created with (the StatefulSet ignores changes to it, replicaSet.ts), and a
 * server-side-apply patch of each existing claim asks for the new size. The
 * apiserver accepts a larger request only on a bound claim whose StorageClass
 * has allowVolumeExpansion (PersistentVolumeClaimResize admission,
 * plugin/pkg/admission/storage/persistentvolume/resize/admission.go), and
 * refuses a smaller one (ValidatePersistentVolumeClaimUpdate): either refusal
 * stops `pulumi up` at the patch, with no pod restarted and no volume touched.
 * The guard refuses a shrink before anything is declared (dataPlacement.ts).
 *
 * Rejected: re-creating the StatefulSet with `pulumi.com/deletionPropagationPolicy:
 * orphan`. The provider reads that annotation from the state of the object it
 * deletes (await.go Deletion), so it would have to sit on the StatefulSet
 * permanently, and then `pulumi destroy` would orphan the members and their
 * claims (deleteDataOnDestroy would delete nothing).
 */
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";

/** The name of the StatefulSet's claim template: claims are `<template>-<statefulset>-<ordinal>`. */
export const memberVolumeTemplateName = "data";

/** The data claim of each member, in member order (the StatefulSet controller's naming: getPersistentVolumeClaimName). */
export function memberClaimNames(statefulSetName: string, members: number): string[] {
    return Array.from({ length: members }, (_, ordinal) => `${memberVolumeTemplateName}-${statefulSetName}-${ordinal}`);
}

export interface MemberClaimPatchArgs {
    readonly statefulSetName: string;
    readonly namespace: string;
    readonly members: number;
    /** mongodbStorageSize. */
    readonly storageSize: string;
}

/**
 * One server-side-apply patch per member claim that sets only the requested
 * size. `pulumi.com/patchForce`: the StatefulSet controller created the claim
 * and owns the field, so a plain apply would conflict (pulumi-kubernetes
 * metadata/annotations.go AnnotationPatchForce).
 */
export function memberClaimPatches(args: MemberClaimPatchArgs): IPersistentVolumeClaim[] {
    return memberClaimNames(args.statefulSetName, args.members).map((name) => ({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name, namespace: args.namespace, annotations: { "pulumi.com/patchForce": "true" } },
        spec: { resources: { requests: { storage: args.storageSize } } },
    }));
}
