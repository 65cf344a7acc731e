/**
 * JSON with object keys sorted at every level, for text that names or feeds a
 * digest. The Pulumi CLI delivers object-valued config with its keys sorted
 * (Go's encoding/json); other routes (the Automation API, the mock runtime,
 * a reformatted stack file) keep the author's order. Sorting here makes the
 * same settings give the same names and file contents whichever way they came.
 */
function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
    }
    return value;
}

export function canonicalJson(value: unknown, indent?: number): string {
    return JSON.stringify(sortKeys(value), null, indent);
}
