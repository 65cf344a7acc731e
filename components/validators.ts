/**
 * Pure checks on single configuration values. Each returns `undefined` when the
 * value is acceptable, or a short sentence saying what is allowed. The config
 * module turns those sentences into one error that names setting and value.
 */
import { CronExpressionParser } from "cron-parser";
import { asFiveFields, cronDescriptors, kubernetesScheduleProblem } from "./kubernetesCron";

/** RFC 1123 label as Kubernetes uses it for namespaces and most object names. */
export function dnsLabel(value: string): string | undefined {
    if (value.length === 0 || value.length > 63) {
        return "a DNS-1123 label of 1 to 63 characters";
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
        return "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
    }
    return undefined;
}

/** A fully qualified host name (no scheme, port, path or wildcard). */
export function hostname(value: string): string | undefined {
    if (value.length === 0 || value.length > 253) {
        return "a host name of 1 to 253 characters such as chat.example.org";
    }
    const labels = value.split(".");
    if (labels.length < 2 || labels.some((label) => dnsLabel(label) !== undefined)) {
        return "a fully qualified host name such as chat.example.org: dot-separated DNS-1123 labels, no scheme, port or path";
    }
    return undefined;
}

/** True when a '/'-separated path has a "." or ".." segment, which clients and proxies resolve away. */
function hasDotSegment(path: string): boolean {
    return path.split("/").some((segment) => segment === "." || segment === "..");
}

/**
 * An https URL without credentials, query, fragment, dot segments or a
 * trailing slash: the program appends paths to it, so `?x`, `#` or `/..`
 * would turn every endpoint into a query, a fragment or another path. The raw
 * text is checked, because `new URL` drops an empty `#` or `?` and resolves
 * `..` silently.
 */
export function httpsBaseUrl(value: string): string | undefined {
    const allowed = "an https:// base URL without credentials, query (?), fragment (#), '.' or '..' path segments or trailing slash, such as https://sso.example.org";
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return "an absolute https:// URL such as https://sso.example.org";
    }
    const afterScheme = value.replace(/^https:\/\/[^/]*/i, "");
    if (url.protocol !== "https:" || /[?#@\s\\]/.test(value) || value.endsWith("/") || hasDotSegment(afterScheme)) {
        return allowed;
    }
    return undefined;
}

/** A URL path prefix: empty, or starting with '/' and not ending with one, without '.' or '..' segments. */
export function pathPrefix(value: string): string | undefined {
    if (value === "") {
        return undefined;
    }
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value) || hasDotSegment(value)) {
        return "empty (Keycloak 17 and later) or a path such as /auth, starting with '/', without a trailing '/' and without '.' or '..' segments";
    }
    return undefined;
}

const binarySuffixes: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * Parses a Kubernetes resource quantity ("500m", "2Gi", "1.5", "1e3") into a
 * plain number, or returns undefined when the text is not a quantity.
 */
export function parseQuantity(value: string): number | undefined {
    const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(value);
    if (!match) {
        return undefined;
    }
    const [, digits, exponent, suffix = ""] = match;
    const base = Number(digits) * (exponent ? Math.pow(10, Number(exponent.slice(1))) : 1);
    return base * (binarySuffixes[suffix] ?? decimalSuffixes[suffix]);
}

/** A positive CPU quantity such as 250m or 2. */
export function cpuQuantity(value: string): string | undefined {
    const parsed = parseQuantity(value);
    if (parsed === undefined || parsed <= 0) {
        return "a positive Kubernetes CPU quantity such as 250m, 0.5 or 2";
    }
    return undefined;
}

/**
 * A byte quantity of at least `minimum` (written like "5Gi"), such as 512Mi
 * or 10Gi, with `why` saying where the minimum comes from.
 */
export function byteQuantityOfAtLeast(minimum: string, why?: string): (value: string) => string | undefined {
    const floor = parseQuantity(minimum)!;
    return (value) => {
        const parsed = parseQuantity(value);
        if (parsed === undefined || parsed < floor || value.endsWith("m") || !Number.isInteger(parsed)) {
            return `a Kubernetes byte quantity of at least ${minimum} such as 512Mi or 10Gi${why ? ` (${why})` : ""}`;
        }
        return undefined;
    };
}

/** A byte quantity of at least 1Mi. */
export const byteQuantity = byteQuantityOfAtLeast("1Mi");

/**
 * An image reference pinned to one build: a digest, or an exact
 * major.minor.patch version tag (optionally with a variant suffix such as
 * 8.0.29-noble). `latest`, no tag, and major or major.minor tags (mongo:8.0,
 * mongo:8) float: the registry moves them to each new release.
 */
export function pinnedImage(value: string): string | undefined {
    const match = /^([a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(value);
    if (!match) {
        return "an image reference such as registry/name:1.2.3 or registry/name@sha256:<64 hex>";
    }
    const [, , tag, digest] = match;
    if (digest) {
        return undefined;
    }
    if (!tag) {
        return "an image with an exact tag or digest; a missing tag means 'latest', which changes under you";
    }
    if (tag === "latest") {
        return "an exact tag or digest, not 'latest'";
    }
    if (!/^v?\d+\.\d+\.\d+(?:[-+._][0-9A-Za-z._-]+)?$/.test(tag)) {
        return `an exact version tag (major.minor.patch, such as ${value.split(":")[0]}:8.0.29) or a digest; '${tag}' floats to each new release`;
    }
    return undefined;
}

/** Splits an image reference into repository, tag and digest. */
export function imageParts(value: string): { repository: string; tag?: string; digest?: string } {
    const [withoutDigest, digest] = value.split("@");
    const lastSlash = withoutDigest.lastIndexOf("/");
    const lastColon = withoutDigest.lastIndexOf(":");
    if (lastColon > lastSlash) {
        return { repository: withoutDigest.slice(0, lastColon), tag: withoutDigest.slice(lastColon + 1), digest };
    }
    return { repository: withoutDigest, digest };
}

/** Leading "major.minor" of a version tag such as 8.0.16 or 7.10.2-ubi. */
export function majorMinor(tag: string | undefined): { major: number; minor: number } | undefined {
    const match = /^v?(\d+)\.(\d+)/.exec(tag ?? "");
    return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** A schedule a Kubernetes CronJob accepts (see kubernetesCron.ts) that cron-parser also reads. */
export function cronSchedule(value: string): string | undefined {
    const allowed = "five cron fields in the Kubernetes CronJob dialect (minute hour day-of-month month day-of-week; numbers, names, '*', ',', '-', '/'), such as '15 2 * * *', or one of " +
        cronDescriptors.join(", ") + "; no L, W, #, H, seconds or years";
    const problem = kubernetesScheduleProblem(value);
    if (problem) {
        return `${allowed} (${problem})`;
    }
    try {
        CronExpressionParser.parse(asFiveFields(value));
    } catch (error) {
        return `${allowed} (${(error as Error).message})`;
    }
    return undefined;
}

/**
 * MongoDB's reserved databases: `local` is neither replicated nor dumped,
 * `admin` and `config` hold users, roles and cluster metadata. Names are
 * compared ignoring case, because mongod refuses a database whose name
 * differs from an existing one only by case (DatabaseDifferCase).
 */
export const reservedDatabases = ["admin", "config", "local"] as const;

/** A database name for the application's data. */
export function applicationDatabase(value: string): string | undefined {
    if (!/^[A-Za-z0-9_-]{1,38}$/.test(value)) {
        return "1 to 38 letters, digits, '_' or '-'";
    }
    if ((reservedDatabases as readonly string[]).includes(value.toLowerCase())) {
        return `a database of its own, not ${reservedDatabases.join(", ")} (local is neither replicated nor backed up; admin and config belong to mongod)`;
    }
    return undefined;
}
