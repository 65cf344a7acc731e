/**
 * `key=value` pairs as stack settings take labels and annotations, e.g. the
 * label a Prometheus selects rules by (`release=kube-prometheus-stack`), the
 * one a Grafana sidecar watches (`grafana_dashboard=1`), or an Ingress
 * annotation (`cert-manager.io/cluster-issuer=letsencrypt`).
 */
import { annotationKey } from "./validators";

/** Label values: at most 63 characters, alphanumeric at both ends, '-', '_', '.' inside; may be empty. */
const labelValueShape = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Splits `key=value` at the first '='; undefined when there is none. */
export function splitKeyValue(pair: string): [string, string] | undefined {
    const at = pair.indexOf("=");
    return at <= 0 ? undefined : [pair.slice(0, at), pair.slice(at + 1)];
}

/** Undefined when `pair` is a valid `key=value` label, else what is allowed. */
export function labelPair(pair: string): string | undefined {
    const parts = splitKeyValue(pair);
    if (!parts || annotationKey(parts[0]) !== undefined || !labelValueShape.test(parts[1])) {
        return "a label as key=value, such as release=kube-prometheus-stack: a label key, '=', and a value of at most 63 letters, digits, '-', '_' or '.'";
    }
    return undefined;
}

/** `["a=b", "c=d"]` as `{ a: "b", c: "d" }`; entries are validated by the settings schema first. */
export function recordFromPairs(pairs: readonly string[]): Record<string, string> {
    return Object.fromEntries(pairs.map((pair) => splitKeyValue(pair)!));
}
