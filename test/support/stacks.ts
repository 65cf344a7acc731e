/** Each stack rendered once per test process and shared by the suites. */
import { runStack, StackRun } from "../../tools/mockRuntime";

const runs = new Map<string, Promise<StackRun>>();

export function stackRun(stack: string): Promise<StackRun> {
    if (!runs.has(stack)) {
        runs.set(stack, runStack(stack));
    }
    return runs.get(stack)!;
}

export const stacks = ["dev", "test", "prod"] as const;

/** Every container (init and regular) of every pod template in a run. */
export function podTemplates(objects: any[]): { owner: string; spec: any; labels: Record<string, string> }[] {
    const templates: { owner: string; spec: any; labels: Record<string, string> }[] = [];
    for (const o of objects) {
        const template = o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
        if (template?.spec) {
            templates.push({ owner: `${o.kind}/${o.metadata.name}`, spec: template.spec, labels: template.metadata?.labels ?? {} });
        }
    }
    return templates;
}

export function containersOf(spec: any): any[] {
    return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}
