/**
 * Takes secrets out of what the render writes: every value the program marked
 * secret (its secretPaths), and any string that contains a generated or
 * configured secret value (plain or base64), wherever the program put it.
 */
export const secretPathMarker = "<redacted: secret>";
export const secretValueMarker = "<redacted: generated secret>";

/** The strings whose presence in a value means it must not be printed. */
export function secretNeedles(secretValues: Iterable<string>): string[] {
    const needles = new Set<string>();
    for (const value of secretValues) {
        if (value) {
            needles.add(value);
            needles.add(Buffer.from(value, "utf8").toString("base64"));
        }
    }
    return [...needles];
}

function pointerSegments(pointer: string): string[] {
    return pointer === "/" || pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Every leaf below `value` replaced by the marker; keys stay, they name what is hidden. */
function maskLeaves(value: any): any {
    if (Array.isArray(value)) {
        return value.map(maskLeaves);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, maskLeaves(child)]));
    }
    return value === undefined || value === null ? value : secretPathMarker;
}

function maskAtPath(document: any, pointer: string): any {
    const segments = pointerSegments(pointer);
    if (segments.length === 0) {
        return maskLeaves(document);
    }
    let parent = document;
    for (const segment of segments.slice(0, -1)) {
        parent = parent?.[segment];
    }
    const last = segments[segments.length - 1];
    if (parent && typeof parent === "object" && last in parent) {
        parent[last] = maskLeaves(parent[last]);
    }
    return document;
}

function maskSecretStrings(value: any, needles: readonly string[]): any {
    if (typeof value === "string") {
        return needles.some((needle) => value.includes(needle)) ? secretValueMarker : value;
    }
    if (Array.isArray(value)) {
        return value.map((item) => maskSecretStrings(item, needles));
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, maskSecretStrings(child, needles)]));
    }
    return value;
}

/** A redacted deep copy of a resource's inputs. */
export function redactInputs(inputs: unknown, secretPaths: readonly string[], needles: readonly string[]): any {
    let copy = structuredClone(inputs);
    for (const pointer of secretPaths) {
        copy = maskAtPath(copy, pointer);
    }
    return maskSecretStrings(copy, needles);
}
