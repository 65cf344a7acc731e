/**
 * What the stack owns in the cluster, by identity: every object it declares,
 * and the claims its StatefulSets' volumeClaimTemplates make. The controller
 * names those `<template>-<statefulset>-<ordinal>`; they outlive a scale-down
 * and are mounted again by a scale-up, so every ordinal is the stack's, not
 * only those below today's replica count.
 */
import type { PlatformEntry } from "./platformObjects";

/**
 * An object's identity in the cluster. The API group, not the version: the
 * apiserver serves one object under every version of its group, so two
 * versions do not make two objects. "" is the core group, and the namespace of
 * a cluster-scoped object.
 */
export interface ObjectIdentity {
    readonly group: string;
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
}

export function identityOf(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): ObjectIdentity {
    return {
        group: object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "",
        kind: object.kind,
        namespace: object.metadata.namespace ?? "",
        name: object.metadata.name,
    };
}

/** One string per identity, for maps and comparisons. */
export function identityKey(id: ObjectIdentity): string {
    return JSON.stringify([id.group, id.kind, id.namespace, id.name]);
}

/** "ConfigMap rocketchat/rocketchat-stack-identity", as kubectl would name it. */
export function describeIdentity(id: ObjectIdentity): string {
    return `${id.kind} ${id.namespace ? `${id.namespace}/` : ""}${id.name}`;
}

export interface OwnedObject {
    readonly identity: ObjectIdentity;
    /** The data keys of a Secret or ConfigMap the stack declares; undefined for other objects. */
    readonly keys?: readonly string[];
    /** The component that declares it; undefined for a claim a StatefulSet makes. */
    readonly component?: string;
    /** How the stack owns it, for messages: "declared by the stack (component MongoReplicaSet)". */
    readonly owner: string;
}

/** A Secret's or ConfigMap's keys, from every field that holds data. */
function dataKeys(object: any): string[] | undefined {
    const fields = object.kind === "Secret" ? ["data", "stringData"] : object.kind === "ConfigMap" ? ["data", "binaryData"] : undefined;
    return fields?.flatMap((field) => Object.keys(object[field] ?? {}));
}

/** The claim a StatefulSet's template gives one of its pods, if `name` is one of those claims. */
function templateClaimOwner(statefulSet: any, id: ObjectIdentity): string | undefined {
    if (id.group !== "" || id.kind !== "PersistentVolumeClaim" || id.namespace !== (statefulSet.metadata.namespace ?? "")) {
        return undefined;
    }
    for (const template of statefulSet.spec?.volumeClaimTemplates ?? []) {
        const prefix = `${template.metadata.name}-${statefulSet.metadata.name}-`;
        const ordinal = id.name.startsWith(prefix) ? id.name.slice(prefix.length) : "";
        if (/^(0|[1-9]\d*)$/.test(ordinal)) {
            return `the claim of pod ${statefulSet.metadata.name}-${ordinal} (StatefulSet ${statefulSet.metadata.name}, volumeClaimTemplate '${template.metadata.name}')`;
        }
    }
    return undefined;
}

export interface Ownership {
    /** Every object the stack declares, in declaration order. */
    readonly declared: readonly OwnedObject[];
    /** The stack's object with this identity (declared or a StatefulSet's claim), or undefined: not the stack's. */
    readonly find: (id: ObjectIdentity) => OwnedObject | undefined;
}

export function ownershipOf(allEntries: readonly PlatformEntry[]): Ownership {
    // A patch changes an object something else made (a claim of a StatefulSet's template, found below).
    const entries = allEntries.filter((entry) => !entry.patch);
    const declared: OwnedObject[] = entries.map((entry) => ({
        identity: identityOf(entry.object),
        keys: dataKeys(entry.object),
        component: entry.component,
        owner: `declared by the stack (component ${entry.component})`,
    }));
    const byKey = new Map(declared.map((owned) => [identityKey(owned.identity), owned]));
    const statefulSets = entries.map((entry) => entry.object).filter((object) => object.apiVersion === "apps/v1" && object.kind === "StatefulSet");
    return {
        declared,
        find: (id) => {
            const owned = byKey.get(identityKey(id));
            if (owned) {
                return owned;
            }
            const claimOf = statefulSets.map((statefulSet) => templateClaimOwner(statefulSet, id)).find((owner) => owner !== undefined);
            return claimOf ? { identity: id, owner: claimOf } : undefined;
        },
    };
}
