/**
 * Container image references: `[registry[:port]/]path[:tag][@digest]`.
 * A reference is pinned when it carries a digest, or an exact version tag
 * (major.minor.patch, optionally with a variant such as 8.0.29-noble); without
 * either the runtime pulls `latest`, and `mongo:8.0` or `mongo:8` move to each
 * new release just the same (the same rule as the stack settings'
 * components/validators.ts pinnedImage).
 */
export interface ImageReference {
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

export function parseImage(reference: string): ImageReference {
    const [withoutDigest, digest] = reference.split("@", 2);
    const lastSlash = withoutDigest.lastIndexOf("/");
    const lastColon = withoutDigest.lastIndexOf(":");
    // A colon before the last slash belongs to a registry port, not a tag.
    if (lastColon > lastSlash) {
        return { repository: withoutDigest.slice(0, lastColon), tag: withoutDigest.slice(lastColon + 1), digest };
    }
    return { repository: withoutDigest, digest };
}

const digestPattern = /^sha256:[a-f0-9]{64}$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const exactVersion = /^v?\d+\.\d+\.\d+(?:[-+._][0-9A-Za-z._-]+)?$/;

/** Undefined when pinned, else a sentence saying what is wrong. */
export function imagePinningProblem(reference: string | undefined): string | undefined {
    if (!reference) {
        return "has no image";
    }
    const { tag, digest } = parseImage(reference);
    if (digest !== undefined) {
        return digestPattern.test(digest) ? undefined : `uses image '${reference}' whose digest is not sha256:<64 hex digits>`;
    }
    if (tag === undefined) {
        return `uses image '${reference}' without a tag, which pulls 'latest' and changes under you`;
    }
    if (!tagPattern.test(tag)) {
        return `uses image '${reference}' whose tag '${tag}' is not a valid tag`;
    }
    if (tag === "latest") {
        return `uses image '${reference}' tagged 'latest', which changes under you`;
    }
    if (!exactVersion.test(tag)) {
        return `uses image '${reference}' whose tag '${tag}' is not an exact major.minor.patch version, so it floats to each new release`;
    }
    return undefined;
}
