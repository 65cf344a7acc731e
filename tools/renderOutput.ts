/**
 * Files the render writes into its output directory:
 * - manifests.yaml: every Kubernetes object, one YAML document each, sorted;
 *   `kubectl apply -f`-able. With --format json: manifests.json, a v1 List.
 * - other-resources.yaml (or .json): the other resources with inputs (providers' resources, patches of objects made by others).
 * Secrets are already redacted by the time anything reaches this module.
 */
import { mkdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import type { OtherResource, RenderedStack } from "./renderStack";

export type RenderFormat = "yaml" | "json";
export const renderFormats: readonly RenderFormat[] = ["yaml", "json"];

const fileStems = ["manifests", "other-resources"] as const;

function toYaml(value: unknown): string {
    const { dump } = require("js-yaml") as typeof import("js-yaml");
    // No line folding (long strings stay on one line, so diffs stay small) and
    // no anchors: every object reads on its own.
    return dump(value, { lineWidth: -1, noRefs: true });
}

function objectHeading(manifest: any): string {
    const namespace = manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : "";
    return `# ${manifest.apiVersion} ${manifest.kind} ${namespace}${manifest.metadata?.name ?? ""}`;
}

export function serializeManifests(manifests: readonly any[], format: RenderFormat): string {
    if (format === "json") {
        return `${JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests }, null, 2)}\n`;
    }
    return manifests.map((manifest) => `---\n${objectHeading(manifest)}\n${toYaml(manifest)}`).join("");
}

export function serializeOtherResources(resources: readonly OtherResource[], format: RenderFormat): string {
    return format === "json" ? `${JSON.stringify(resources, null, 2)}\n` : toYaml(resources);
}

/** Writes both files, removes the other format's leftovers, returns the paths written. */
export function writeRendered(rendered: RenderedStack, outDir: string, format: RenderFormat): string[] {
    mkdirSync(outDir, { recursive: true });
    for (const stem of fileStems) {
        for (const other of renderFormats.filter((f) => f !== format)) {
            rmSync(path.join(outDir, `${stem}.${other}`), { force: true });
        }
    }
    const files: Array<[string, string]> = [
        [path.join(outDir, `manifests.${format}`), serializeManifests(rendered.manifests, format)],
        [path.join(outDir, `other-resources.${format}`), serializeOtherResources(rendered.otherResources, format)],
    ];
    for (const [file, content] of files) {
        writeFileSync(file, content);
    }
    return files.map(([file]) => file);
}
