/** The report printed after a render: problems in full, then counts as tables. */
import { describeFinding } from "./schemaValidate";
import { mandatoryViolations, RenderedStack, renderFailed } from "./renderStack";

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
    const line = (cells: readonly string[]) =>
        cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ").trimEnd();
    return [line(header), ...rows.map(line)].join("\n");
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const item of items) {
        counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    }
    return counts;
}

function kubernetesTable(rendered: RenderedStack): string {
    const schemaErrorsByKind = countBy(rendered.schemaFindings, (finding) => finding.kind);
    const kinds = countBy(rendered.manifests, (manifest) => `${manifest.kind} ${manifest.apiVersion}`);
    const rows = [...kinds].map(([kindAndVersion, count]) => {
        const [kind, apiVersion] = kindAndVersion.split(" ");
        const errors = schemaErrorsByKind.get(kind) ?? 0;
        return [kind, apiVersion, String(count), errors ? `${errors} error${errors === 1 ? "" : "s"}` : "ok"];
    });
    return table(["KIND", "API VERSION", "COUNT", "SCHEMA"], rows);
}

function otherResourcesTable(rendered: RenderedStack): string {
    const rows = [...countBy(rendered.otherResources, (resource) => resource.type)].map(([type, count]) => [type, String(count)]);
    return rows.length ? table(["OTHER RESOURCE TYPE", "COUNT"], rows) : "";
}

function policyTable(rendered: RenderedStack): string {
    if (!rendered.policy.applied) {
        return `Policy pack not applied: ${rendered.policy.reason}.`;
    }
    const byLevel = countBy(rendered.policy.violations, (violation) => violation.level);
    return table(["POLICY LEVEL", "VIOLATIONS"], ["mandatory", "advisory"].map((level) => [level, String(byLevel.get(level) ?? 0)]));
}

function details(rendered: RenderedStack): string[] {
    const lines: string[] = [];
    for (const finding of rendered.schemaFindings) {
        lines.push(`schema error: ${describeFinding(finding)}`);
    }
    if (rendered.policy.applied) {
        for (const violation of rendered.policy.violations) {
            lines.push(`${violation.level} policy ${violation.policy}${violation.resource ? ` (${violation.resource})` : ""}: ${violation.message}`);
        }
    }
    for (const warning of rendered.warnings) {
        lines.push(`warning: ${warning}`);
    }
    return lines;
}

export function formatSummary(rendered: RenderedStack, files: readonly string[]): string {
    const verdict = renderFailed(rendered)
        ? `FAILED: ${rendered.schemaFindings.length} schema error(s), ${mandatoryViolations(rendered).length} mandatory policy violation(s)`
        : "OK: every object matches its schema, no mandatory policy violation";
    return [
        details(rendered).join("\n"),
        `Stack ${rendered.stack}: ${rendered.manifests.length} Kubernetes objects, ${rendered.otherResources.length} other resources`,
        kubernetesTable(rendered),
        otherResourcesTable(rendered),
        policyTable(rendered),
        `Wrote ${files.join(", ")}`,
        verdict,
    ]
        .filter((section) => section !== "")
        .join("\n\n");
}
