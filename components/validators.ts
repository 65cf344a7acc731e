/**
 * Pure checks on single configuration values. Each returns `undefined` when the
 * value is acceptable, or a short sentence saying what is allowed. The config
 * module turns those sentences into one error that names setting and value.
 */
import { CronExpressionParser } from "cron-parser";

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

/** An https URL without a trailing slash, query or fragment. */
export function httpsBaseUrl(value: string): string | undefined {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return "an absolute https:// URL such as https://sso.example.org";
    }
    if (url.protocol !== "https:" || url.search || url.hash || value.endsWith("/")) {
        return "an https:// base URL without query, fragment or trailing slash, such as https://sso.example.org";
    }
    return undefined;
}

/** A URL path prefix: empty, or starting with '/' and not ending with one. */
export function pathPrefix(value: string): string | undefined {
    if (value === "") {
        return undefined;
    }
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
        return "empty (Keycloak 17 and later) or a path such as /auth, starting with '/' and without a trailing '/'";
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

/** A positive byte quantity of at least 1Mi such as 512Mi or 10Gi. */
export function byteQuantity(value: string): string | undefined {
    const parsed = parseQuantity(value);
    if (parsed === undefined || parsed < 2 ** 20 || value.endsWith("m")) {
        return "a Kubernetes byte quantity of at least 1Mi such as 512Mi or 10Gi";
    }
    return undefined;
}

/** An image reference with an exact tag and/or a sha256 digest; never `latest`. */
export function pinnedImage(value: string): string | undefined {
    const match = /^([a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(value);
    if (!match) {
        return "an image reference such as registry/name:1.2.3 or registry/name@sha256:<64 hex>";
    }
    const [, , tag, digest] = match;
    if (!tag && !digest) {
        return "an image with an exact tag or digest; a missing tag means 'latest', which changes under you";
    }
    if (tag === "latest" && !digest) {
        return "an exact tag or digest, not 'latest'";
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

const cronDescriptors = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** A schedule a Kubernetes CronJob accepts: five cron fields or a descriptor. */
export function cronSchedule(value: string): string | undefined {
    const allowed = "five cron fields (minute hour day-of-month month day-of-week) such as '15 2 * * *', or one of " + cronDescriptors.join(", ");
    const trimmed = value.trim();
    if (cronDescriptors.includes(trimmed)) {
        return undefined;
    }
    if (trimmed.split(/\s+/).length !== 5 || /TZ=/.test(trimmed)) {
        return allowed;
    }
    try {
        CronExpressionParser.parse(trimmed);
    } catch (error) {
        return `${allowed} (${(error as Error).message})`;
    }
    return undefined;
}

/** A Kubernetes label or annotation key (optional DNS prefix, then a name). */
export function annotationKey(value: string): string | undefined {
    const [prefix, name] = value.includes("/") ? value.split("/", 2) : [undefined, value];
    const nameOk = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(name);
    const prefixOk = prefix === undefined || (prefix.length <= 253 && prefix.split(".").every((label) => dnsLabel(label) === undefined));
    return nameOk && prefixOk ? undefined : "an annotation key such as nginx.ingress.kubernetes.io/proxy-read-timeout";
}
