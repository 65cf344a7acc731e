/** Each stack run once per test process under the mock runtime (program and render tests), and the stacks' names. */
import { containersOf as containerEntries, podTemplateOf } from "../../policy/lib/kubernetes";
import type { StackRun } from "../../tools/mockRuntime";

const runs = new Map<string, Promise<StackRun>>();

export function stackRun(stack: string): Promise<StackRun> {
    if (!runs.has(stack)) {
        // Loaded on first use: builder tests import this module without paying for the Pulumi SDK.
        const { runStack } = require("../../tools/mockRuntime") as typeof import("../../tools/mockRuntime");
        runs.set(stack, runStack(stack));
    }
    return runs.get(stack)!;
}

export const stacks = ["dev", "test", "prod"] as const;

/**
 * Every pod template in a run, found where the policy pack finds them
 * (policy/lib/kubernetes.ts), with its owner as "Kind/name".
 */
export function podTemplates(objects: any[]): { owner: string; spec: any; labels: Record<string, string> }[] {
    return objects.flatMap((o) => {
        const template = podTemplateOf(o.kind, o);
        return template ? [{ owner: `${o.kind}/${o.metadata.name}`, spec: template.spec, labels: template.labels }] : [];
    });
}

/** Every container of a pod spec, init containers included. */
export function containersOf(spec: any): any[] {
    return containerEntries(spec).map((entry) => entry.container);
}
