/**
 * Renders a stack's Kubernetes objects to YAML for the cluster tests and the
 * third-party linters. Stop-gap until `npm run render -- <stack> --out DIR`
 * exists; it uses the same mock runtime (tools/mockRuntime.ts).
 *
 *   npx ts-node --transpile-only test/e2e/lib/render.ts <stack> <out.yaml>
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { kubernetesObjects, runStack } from "../../../tools/mockRuntime";

/** Pulumi's own bookkeeping annotation never reaches a cluster. */
function clean(obj: any): any {
    const copy = JSON.parse(JSON.stringify(obj));
    if (copy?.metadata?.annotations) {
        delete copy.metadata.annotations["pulumi.com/autonamed"];
        if (Object.keys(copy.metadata.annotations).length === 0) {
            delete copy.metadata.annotations;
        }
    }
    return copy;
}

export async function renderObjects(stack: string): Promise<any[]> {
    const run = await runStack(stack);
    return kubernetesObjects(run).map(clean);
}

export function toYaml(objects: any[]): string {
    return objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}

if (require.main === module) {
    const [stack, out] = process.argv.slice(2);
    if (!stack || !out) {
        console.error("usage: render.ts <stack> <out.yaml>");
        process.exit(2);
    }
    renderObjects(stack).then((objects) => {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, toYaml(objects));
        console.error(`${stack}: ${objects.length} objects -> ${out}`);
        process.exit(0);
    }, (err) => {
        console.error(err);
        process.exit(1);
    });
}
