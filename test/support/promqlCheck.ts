/**
 * Reads PromQL with Prometheus's own grammar (@prometheus-io/lezer-promql,
 * the parser of the Prometheus web UI) and reports what an expression names:
 * syntax errors, metric names, and the labels each selector matches on. The
 * tests run it on every rendered alert and dashboard query: a query on a
 * metric nobody publishes is silently empty and never alerts. (The component
 * builds selectors only from catalogued names, see promql.ts; parsing stays
 * out of the deployment path.)
 */
import { parser } from "@prometheus-io/lezer-promql";
import { seriesIndex, targetLabels } from "../../components/monitoring/metricCatalogue";

export interface SelectorUse {
    /** The metric name of a vector selector. */
    readonly metric: string;
    /** Label names its matchers use. */
    readonly labels: string[];
}

export interface PromqlReading {
    /** Offsets of syntax errors; empty when the expression parses. */
    readonly syntaxErrors: number[];
    readonly selectors: SelectorUse[];
}

/** Syntax errors and the vector selectors of one expression. */
export function readPromql(expr: string): PromqlReading {
    const syntaxErrors: number[] = [];
    const selectors: SelectorUse[] = [];
    const cursor = parser.parse(expr).cursor();
    do {
        if (cursor.type.isError) {
            syntaxErrors.push(cursor.from);
        }
        if (cursor.type.name === "VectorSelector") {
            const node = cursor.node;
            const metricNode = node.getChild("Identifier");
            const labels = node.getChildren("LabelMatchers").flatMap((matchers) =>
                matchers.getChildren("UnquotedLabelMatcher").concat(matchers.getChildren("QuotedLabelMatcher")).flatMap((matcher) => {
                    const name = matcher.getChild("LabelName");
                    return name ? [expr.slice(name.from, name.to)] : [];
                }));
            selectors.push({ metric: metricNode ? expr.slice(metricNode.from, metricNode.to) : "", labels });
        }
    } while (cursor.next());
    return { syntaxErrors, selectors };
}

/** Sentences naming what is wrong with `expr`; empty when it parses and names only catalogued metrics and labels. */
export function promqlProblems(expr: string): string[] {
    const { syntaxErrors, selectors } = readPromql(expr);
    const index = seriesIndex();
    const problems = syntaxErrors.map((at) => `syntax error at offset ${at}`);
    for (const use of selectors) {
        const known = index.get(use.metric);
        if (!known) {
            problems.push(`metric '${use.metric || "(no name)"}' is not in the metric catalogue`);
            continue;
        }
        const allowed = new Set([...known.labels, ...targetLabels]);
        for (const label of use.labels.filter((l) => !allowed.has(l))) {
            problems.push(`label '${label}' is not published with ${use.metric}`);
        }
    }
    return problems;
}

/** Throws listing every problem of every named expression. */
export function assertCataloguedPromql(named: readonly { readonly name: string; readonly expr: string }[]): void {
    const problems = named.flatMap(({ name, expr }) => promqlProblems(expr).map((problem) => `${name}: ${problem}`));
    if (problems.length > 0) {
        throw new Error(`PromQL that Prometheus would not evaluate as meant:\n  - ${problems.join("\n  - ")}`);
    }
}
