/**
 * Object identity, checked once for the whole stack before anything is
 * declared:
 * - every object the stack declares has an identity (group, kind, namespace,
 *   name) of its own. Two under one identity are one object in the cluster:
 *   each apply overwrites the other (pulumi-kubernetes upserts), and a
 *   destroy of either deletes both;
 * - every Secret, ConfigMap and claim a setting names is either not the
 *   stack's (external), or the stack's own with every key the pods read
 *   from it, where the setting allows that (namingSettings.ts).
 * A refusal names the setting; a collision no setting explains is a defect
 * of the program and is reported as one.
 */
import { settingsRefused } from "../config";
import type { SettingProblem } from "../crossChecks";
import { Settings } from "../settings";
import type { DeploymentRecord } from "../upgrades/deploymentRecord";
import { KeyReference, keyReferences } from "./keyReferences";
import { namingSettings, NamingSetting } from "./namingSettings";
import { describeIdentity, identityKey, ObjectIdentity, OwnedObject, ownershipOf } from "./ownedObjects";
import { PlatformEntry, platformObjects } from "./platformObjects";

export interface IdentityFindings {
    /** Settings that name an object wrongly, as config.ts reports them. */
    readonly refusals: SettingProblem[];
    /** Collisions no setting explains: the program's own. */
    readonly defects: string[];
}

/** Declared objects sharing an identity, by identity. */
function duplicates(declared: readonly OwnedObject[]): OwnedObject[][] {
    const groups = new Map<string, OwnedObject[]>();
    for (const owned of declared) {
        const key = identityKey(owned.identity);
        groups.set(key, [...(groups.get(key) ?? []), owned]);
    }
    return [...groups.values()].filter((group) => group.length > 1);
}

const sameObject = (a: ObjectIdentity, b: ObjectIdentity) => identityKey(a) === identityKey(b);

/** The identity a setting's named object has: settings name objects of the core group. */
const namedIdentity = (entry: NamingSetting, named: { namespace: string; name: string }): ObjectIdentity =>
    ({ group: "", kind: entry.kind, namespace: named.namespace, name: named.name });

const quoted = (keys: readonly string[]) => keys.map((key) => `'${key}'`).join(", ");

/** What a setting may name instead, by what the stack does with it. */
function refusalFor(entry: NamingSetting, owned: OwnedObject, missing: readonly string[]): string | undefined {
    const what = `${describeIdentity(owned.identity)} is ${owned.owner}`;
    if ("external" in entry.use) {
        return `the name of a ${entry.kind} the stack does not own: ${what}, and ${entry.use.external}. Name a ${entry.kind} of your own`;
    }
    if ("reads" in entry.use && missing.length > 0) {
        return `a ${entry.kind} with every key the pods read from it (${quoted(missing)} missing): ${what} and has only ${quoted(owned.keys ?? [])}, ` +
            `so the pods would not start (CreateContainerConfigError). Name a ${entry.kind} of your own that has ${quoted(missing)}`;
    }
    return undefined;
}

export function objectIdentityFindings(entries: readonly PlatformEntry[], s: Settings, table: readonly NamingSetting[] = namingSettings): IdentityFindings {
    const ownership = ownershipOf(entries);
    const references = keyReferences(entries.map((entry) => entry.object));
    const missingKeys = (target: OwnedObject): string[] => [...new Set(references
        .filter((reference: KeyReference) => sameObject(reference.target, target.identity))
        .map((reference) => reference.key)
        .filter((key) => target.keys !== undefined && !target.keys.includes(key)))];
    const refusals: SettingProblem[] = [];
    const explained = new Set<string>();
    const named = table.flatMap((entry) => entry.named(s).map((object) => ({ entry, object, identity: namedIdentity(entry, object) })));

    const defects: string[] = [];
    for (const group of duplicates(ownership.declared)) {
        const identity = group[0].identity;
        const cause = named.filter((n) => "declares" in n.entry.use && sameObject(n.identity, identity));
        const components = group.map((owned) => owned.component).join(" and ");
        for (const { entry, object } of cause) {
            refusals.push({
                setting: entry.setting,
                value: object.value,
                allowed: `a name no other ${entry.kind} of the stack has in namespace ${identity.namespace}: the stack would declare ${describeIdentity(identity)} ` +
                    `${group.length} times (components ${components}), and objects under one name are one object in the cluster, each apply overwriting the other. ` +
                    "Choose another name",
            });
        }
        if (cause.length === 0) {
            defects.push(`${describeIdentity(identity)} is declared ${group.length} times (components ${components})`);
        }
    }

    for (const { entry, object, identity } of named.filter((n) => !("declares" in n.entry.use))) {
        const owned = ownership.find(identity);
        const allowed = owned && refusalFor(entry, owned, missingKeys(owned));
        if (owned) {
            explained.add(identityKey(identity));
        }
        if (allowed) {
            refusals.push({ setting: entry.setting, value: object.value, allowed });
        }
    }

    // The program's own references, under no setting's name: a builder reading a key its Secret lacks.
    for (const owned of ownership.declared.filter((o) => !explained.has(identityKey(o.identity)))) {
        const missing = missingKeys(owned);
        if (missing.length > 0) {
            defects.push(`${describeIdentity(owned.identity)} (${owned.owner}) lacks ${quoted(missing)}, which the stack's pods read`);
        }
    }
    return { refusals, defects };
}

/**
 * Throws unless every object the stack would declare has an identity of its
 * own and every object a setting names is one it may name. Runs before any
 * resource is declared (index.ts; tools/mockRuntime.ts before the mock run),
 * with the previous run's record where there is one (the upgrade guard's
 * objects are declared only on an upgrade).
 */
export function checkObjectIdentity(s: Settings, stack: string, previous?: DeploymentRecord): void {
    const findings = objectIdentityFindings(platformObjects(s, stack, undefined, previous), s);
    if (findings.defects.length > 0) {
        throw new Error(`The program would declare colliding objects (a defect of the program, not of the settings):\n${findings.defects.map((d) => `  - ${d}`).join("\n")}`);
    }
    if (findings.refusals.length > 0) {
        throw settingsRefused(findings.refusals);
    }
}
