/**
 * Resource options for a component's children. Pulumi orders each resource by
 * its own dependsOn only: a component's dependsOn does not delay the
 * resources declared inside it (the SDK registers children with their own
 * options). So a component that must wait for something (the namespace, the
 * replica set's bootstrap) hands that on to every child here.
 */
import * as pulumi from "@pulumi/pulumi";

type Dependencies = pulumi.ResourceOptions["dependsOn"];

/** One dependsOn value from several (resources, lists, or promises of them); undefined when there is none. */
export function combineDependencies(...sets: Dependencies[]): Dependencies {
    const present = sets.filter((d): d is NonNullable<Dependencies> => d !== undefined);
    if (present.length === 0) {
        return undefined;
    }
    if (present.every((d) => Array.isArray(d))) {
        return (present as pulumi.Input<pulumi.Resource>[][]).flat();
    }
    if (present.some((d) => pulumi.Output.isInstance(d))) {
        throw new Error("combineDependencies: pass resources or promises of resources, not Outputs");
    }
    const resolved = Promise.all(present.map(async (d): Promise<pulumi.Resource[]> => {
        const value = await (d as pulumi.Resource | Promise<pulumi.Resource | pulumi.Input<pulumi.Resource>[]>);
        return Array.isArray(value) ? Promise.all(value as (pulumi.Resource | Promise<pulumi.Resource>)[]) : [value];
    }));
    const flattened: Promise<pulumi.Resource[]> = resolved.then((lists) => ([] as pulumi.Resource[]).concat(...lists));
    return flattened;
}

/** `{ parent, dependsOn }` for a child of `parent`, carrying the component's own dependsOn and any extra. */
export function childOf(parent: pulumi.Resource, componentOpts?: pulumi.ComponentResourceOptions, ...extra: Dependencies[]): { parent: pulumi.Resource; dependsOn?: Dependencies } {
    const dependsOn = combineDependencies(componentOpts?.dependsOn, ...extra);
    return dependsOn === undefined ? { parent } : { parent, dependsOn };
}
