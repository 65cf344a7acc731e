/** The rendered stacks the scenarios apply (from E2E_RENDERED, else rendered here). */
import * as fs from "fs";
import * as path from "path";
import { loadAll } from "js-yaml";
import { kubernetesObjects, runStack } from "../../../tools/mockRuntime";

const memo = new Map<string, any[]>();

export async function stackObjects(stack: string): Promise<any[]> {
    if (!memo.has(stack)) {
        const dir = process.env.E2E_RENDERED;
        const file = dir ? path.join(dir, `${stack}.yaml`) : undefined;
        const objects = file && fs.existsSync(file)
            ? (loadAll(fs.readFileSync(file, "utf8")) as any[]).filter((o) => o && o.kind)
            : kubernetesObjects(await runStack(stack));
        memo.set(stack, objects);
    }
    return JSON.parse(JSON.stringify(memo.get(stack)));
}

export function ofKind(objects: any[], kind: string): any[] {
    return objects.filter((o) => o.kind === kind);
}

/** `k=v,k=v` from a workload's spec.selector.matchLabels. */
export function selectorOf(workload: any): string {
    return Object.entries(workload.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(",");
}

export function mongoStatefulSet(objects: any[]): any {
    const sts = ofKind(objects, "StatefulSet").find((s) => s.spec?.selector?.matchLabels?.["app.kubernetes.io/name"] === "mongodb");
    if (!sts) {
        throw new Error("no MongoDB StatefulSet in the rendered stack");
    }
    return sts;
}

export function rocketchatDeployment(objects: any[]): any | undefined {
    return ofKind(objects, "Deployment").find((d) => d.metadata.name === "rocketchat");
}

/** A stack rendered here with settings overridden (for scenarios that need another shape than the example stacks). */
export async function stackObjectsWith(stack: string, overrides: Record<string, unknown>): Promise<any[]> {
    return kubernetesObjects(await runStack(stack, overrides));
}
