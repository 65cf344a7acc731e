/**
 * Vector selectors for catalogued metrics only: a metric name that is not in
 * metricCatalogue.ts does not compile, and label values are quoted here so no
 * caller assembles PromQL string literals by hand.
 */
import { catalogue, ExporterId, MetricName } from "./metricCatalogue";

type MetricsOf<E extends ExporterId> = (typeof catalogue)[E]["metrics"];

/** Catalogued summaries, which also publish `<name>_sum` and `<name>_count`. */
type SummaryName = {
    [E in ExporterId]: { [M in keyof MetricsOf<E>]: MetricsOf<E>[M] extends { type: "summary" } ? M : never }[keyof MetricsOf<E>];
}[ExporterId] & string;

/** Every series name a selector may use. */
export type SeriesName = MetricName | `${SummaryName}_sum` | `${SummaryName}_count`;

/** A label matcher: an exact value, or `{ regex }` for `=~`. */
export type LabelMatcher = string | { readonly regex: string };

/** A PromQL string literal (double-quoted; JSON's escapes are valid PromQL escapes). */
export function quote(value: string): string {
    return JSON.stringify(value);
}

/** `metric{label="value",other=~"a|b"}` */
export function selector(series: SeriesName, matchers: Readonly<Record<string, LabelMatcher>> = {}): string {
    const inner = Object.entries(matchers)
        .map(([label, match]) => (typeof match === "string" ? `${label}=${quote(match)}` : `${label}=~${quote(match.regex)}`))
        .join(",");
    return inner === "" ? series : `${series}{${inner}}`;
}

/** A regex matching exactly one of the given values (for `=~`). */
export function anyOf(values: readonly string[]): { regex: string } {
    return { regex: values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") };
}
