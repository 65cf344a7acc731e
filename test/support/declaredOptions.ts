/**
 * The platform of a stack built under the mock runtime with a transformation
 * that records every resource with its options, for tests about ordering
 * (dependsOn), which the rendered objects cannot show.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { loadStackConfig, projectName, projectRoot } from "../../tools/stackConfig";

export interface DeclaredWithOptions {
    readonly resource: pulumi.Resource;
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, any>;
    readonly opts: pulumi.ResourceOptions;
}

export async function declaredWithOptions(stack: string, overrides: Record<string, unknown> = {}, previous?: unknown): Promise<DeclaredWithOptions[]> {
    const config = loadStackConfig(stack, overrides);
    const { loadSettings } = require(path.join(projectRoot, "components", "config"));
    const settings = loadSettings((name: string) => config.values[`${projectName}:${name}`]);
    await pulumi.runtime.setMocks({
        newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
        call: (a) => ({ ...a.inputs, id: "lookup" }),
    }, projectName, stack, false);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    const seen: DeclaredWithOptions[] = [];
    await pulumi.runtime.runInPulumiStack(async () => {
        const { RocketChatPlatform } = require(path.join(projectRoot, "components", "platform"));
        new RocketChatPlatform("rocketchat", { settings, previous }, {
            transformations: [(a: pulumi.ResourceTransformationArgs) => (seen.push({ resource: a.resource, type: a.type, name: a.name, props: a.props, opts: a.opts }), undefined)],
        });
    });
    return seen;
}

/** The resources a declared resource waits for through dependsOn (which may be a promise of them). */
export async function dependsOnOf(entry: DeclaredWithOptions): Promise<pulumi.Resource[]> {
    const given = entry.opts.dependsOn as any;
    // The SDK wraps a promised list in an Output before transformations see it.
    const d = pulumi.Output.isInstance(given) ? await (given as any).promise() : await Promise.resolve(given);
    const list = d === undefined ? [] : Array.isArray(d) ? d : [d];
    return Promise.all(list.map((r: unknown) => Promise.resolve(r as pulumi.Resource)));
}
