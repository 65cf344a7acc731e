/**
 * `key=value` pairs as stack settings take labels and annotations, e.g. the
 * label a Prometheus selects rules by (`release=kube-prometheus-stack`), the
 * one a Grafana sidecar watches (`grafana_dashboard=1`), or an Ingress
 * annotation (`cert-manager.io/cluster-issuer=letsencrypt`).
 */
import { annotationKeyProblem, labelKeyProblem, labelValueProblem } from "./kubernetesMetadata";

/** Splits `key=value` at the first '='; undefined when there is none. */
export function splitKeyValue(pair: string): [string, string] | undefined {
    const at = pair.indexOf("=");
    return at <= 0 ? undefined : [pair.slice(0, at), pair.slice(at + 1)];
}

/** Undefined when `pair` is a valid `key=value` label, else what is allowed. */
export function labelPair(pair: string): string | undefined {
    const shape = "a label as key=value, such as release=kube-prometheus-stack";
    const parts = splitKeyValue(pair);
    if (!parts) {
        return shape;
    }
    const problem = labelKeyProblem(parts[0]) ?? labelValueProblem(parts[1]);
    return problem ? `${shape}, with ${problem} (Kubernetes label rules)` : undefined;
}

/** Undefined when `pair` is a valid `key=value` annotation, else what is allowed. */
export function annotationPair(pair: string): string | undefined {
    const shape = "entries of the form key=value, such as cert-manager.io/cluster-issuer=letsencrypt";
    const parts = splitKeyValue(pair);
    if (!parts) {
        return shape;
    }
    const problem = annotationKeyProblem(parts[0]);
    return problem ? `${shape}, with an annotation key of ${problem} (Kubernetes annotation rules)` : undefined;
}

/** The key of a `key=value` entry (the whole entry when it has no '='): what must not repeat. */
export function keyOfPair(pair: string): string {
    return splitKeyValue(pair)?.[0] ?? pair;
}

/** `["a=b", "c=d"]` as `{ a: "b", c: "d" }`; entries are validated by the settings schema first. */
export function recordFromPairs(pairs: readonly string[]): Record<string, string> {
    return Object.fromEntries(pairs.map((pair) => splitKeyValue(pair)!));
}
