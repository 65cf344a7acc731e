/**
 * Finding objects in a list of resources: a program run's (tools/mockRuntime.ts)
 * or a stack built by the builders alone (test/support/platformBuild.ts).
 * No Pulumi runtime here, so tests of builders load in milliseconds.
 */
/** What the object helpers below read: a program run, or a stack built without one (test/support/platformBuild.ts). */
export interface ResourceList {
    readonly stack?: string;
    readonly resources: readonly { readonly type: string; readonly name: string; readonly inputs: any }[];
}

/**
 * The Kubernetes objects the stack creates. Patch resources (`<Kind>Patch`,
 * e.g. the members' claim sizes) change objects made by others and are left
 * out: alone they are not valid objects to apply or check.
 */
export function kubernetesObjects(run: ResourceList): any[] {
    return run.resources.filter((r) => r.type.startsWith("kubernetes:") && !isPatchType(r.type)).map((r) => r.inputs);
}

/** A kubernetes provider's patch resource (`kubernetes:core/v1:PersistentVolumeClaimPatch`): a change to an object made by others. */
export function isPatchType(type: string): boolean {
    return type.startsWith("kubernetes:") && type.endsWith("Patch");
}

/** Finds one Kubernetes object by kind and metadata.name; throws if absent. */
export function findObject(run: ResourceList, kind: string, name: string): any {
    const match = kubernetesObjects(run).find((o) => o.kind === kind && o.metadata?.name === name);
    if (!match) {
        const names = kubernetesObjects(run).filter((o) => o.kind === kind).map((o) => o.metadata?.name);
        throw new Error(`${run.stack}: no ${kind} named ${name} (have: ${names.join(", ") || "none"})`);
    }
    return match;
}

export function objectsOfKind(run: ResourceList, kind: string): any[] {
    return kubernetesObjects(run).filter((o) => o.kind === kind);
}
