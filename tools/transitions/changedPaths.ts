/**
 * The property paths at which two resource inputs differ, as dotted paths
 * (`spec.template.metadata.annotations`), the form the kubernetes provider's
 * replace table uses (providerRules.ts). Arrays are compared whole at their
 * path: the provider's table names arrays (`spec.volumeClaimTemplates`), never
 * an element.
 */
import { isDeepStrictEqual } from "util";

export function changedPaths(before: unknown, after: unknown, at = ""): string[] {
    if (isDeepStrictEqual(before, after)) {
        return [];
    }
    if (isPlainObject(before) && isPlainObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((key) => changedPaths(before[key], after[key], at === "" ? key : `${at}.${key}`));
    }
    return [at];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `path` is `prefix` or lies below it. */
export function isAtOrBelow(path: string, prefix: string): boolean {
    return path === prefix || path.startsWith(`${prefix}.`);
}
