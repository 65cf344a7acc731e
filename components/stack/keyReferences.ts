/**
 * Which keys the stack's pods read from which Secrets and ConfigMaps: an
 * environment variable's secretKeyRef or configMapKeyRef, a volume's items.
 * A key the object does not have keeps the pod from starting
 * (CreateContainerConfigError, or a volume that never mounts), so a reference
 * marked optional, which leaves the variable unset instead, is left out.
 *
 * Read off the built objects rather than listed per setting: whatever
 * a builder reads, and under whichever setting's name, is found here.
 */
import { ObjectIdentity } from "./ownedObjects";

export interface KeyReference {
    readonly target: ObjectIdentity;
    readonly key: string;
}

type Found = { kind: "Secret" | "ConfigMap"; name: unknown; keys: unknown[]; optional?: unknown };

/** The references one node of an object's tree makes, if it is a key reference or a volume source. */
function referencesAt(node: any): Found[] {
    const found: Found[] = [];
    if (node.secretKeyRef) {
        found.push({ kind: "Secret", name: node.secretKeyRef.name, keys: [node.secretKeyRef.key], optional: node.secretKeyRef.optional });
    }
    if (node.configMapKeyRef) {
        found.push({ kind: "ConfigMap", name: node.configMapKeyRef.name, keys: [node.configMapKeyRef.key], optional: node.configMapKeyRef.optional });
    }
    // A volume: { name, secret: { secretName, items } } or { name, configMap: { name, items } }; without items it reads no key by name.
    if (typeof node.name === "string" && node.secret?.secretName !== undefined) {
        found.push({ kind: "Secret", name: node.secret.secretName, keys: (node.secret.items ?? []).map((item: any) => item.key), optional: node.secret.optional });
    }
    if (typeof node.name === "string" && node.configMap?.name !== undefined) {
        found.push({ kind: "ConfigMap", name: node.configMap.name, keys: (node.configMap.items ?? []).map((item: any) => item.key), optional: node.configMap.optional });
    }
    return found;
}

function walk(node: unknown, visit: (node: any) => void): void {
    if (Array.isArray(node)) {
        node.forEach((item) => walk(item, visit));
    } else if (node && typeof node === "object") {
        visit(node);
        Object.values(node).forEach((value) => walk(value, visit));
    }
}

/** Every required key the objects' pods read, in the namespace of the object that reads it. */
export function keyReferences(objects: readonly any[]): KeyReference[] {
    const references: KeyReference[] = [];
    for (const object of objects) {
        const namespace = object.metadata?.namespace ?? "";
        walk(object, (node) => {
            for (const found of referencesAt(node).filter((f) => f.optional !== true && typeof f.name === "string")) {
                for (const key of found.keys.filter((k): k is string => typeof k === "string")) {
                    references.push({ target: { group: "", kind: found.kind, namespace, name: found.name as string }, key });
                }
            }
        });
    }
    return references;
}
