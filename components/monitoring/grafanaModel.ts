/**
 * Typed dashboard definitions and their Grafana JSON model (schemaVersion 39,
 * Grafana 10/11). Rows of panels are laid out left to right on Grafana's
 * 24-column grid; every query runs against a `datasource` variable so the
 * dashboard works with whichever Prometheus data source Grafana has.
 */

export type PanelKind = "timeseries" | "stat";

/** Grafana unit ids: https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/#unit */
export type Unit = "none" | "short" | "s" | "reqps" | "ops" | "bytes" | "percentunit" | "dateTimeFromNow";

export interface QueryDefinition {
    /** PromQL. */
    readonly expr: string;
    /** Legend, e.g. "{{pod}}". */
    readonly legend: string;
}

export interface PanelDefinition {
    readonly title: string;
    readonly kind: PanelKind;
    /** What the panel shows and what is normal; shown as the panel's info tooltip. */
    readonly description: string;
    readonly queries: readonly QueryDefinition[];
    /** Defaults to "short". */
    readonly unit?: Unit;
    /** Turns red at or above this value (e.g. an alert threshold). Defaults to none. */
    readonly redFrom?: number;
    /** Names shown for numeric values, e.g. replica-set states. Defaults to none. */
    readonly valueNames?: Readonly<Record<number, string>>;
    /** Columns of 24. Defaults to 12. */
    readonly width?: number;
}

export interface RowDefinition {
    readonly title: string;
    readonly panels: readonly PanelDefinition[];
}

export interface DashboardDefinition {
    /** Stable id (at most 40 characters) so links survive re-imports. */
    readonly uid: string;
    readonly title: string;
    readonly tags: readonly string[];
    readonly rows: readonly RowDefinition[];
}

const panelHeight = 8;
const gridWidth = 24;
const datasource = { type: "prometheus", uid: "${datasource}" };

function fieldConfig(panel: PanelDefinition) {
    const steps: { color: string; value: number | null }[] = [{ color: "green", value: null }];
    if (panel.redFrom !== undefined) {
        steps.push({ color: "red", value: panel.redFrom });
    }
    const mappings = panel.valueNames
        ? [{
            type: "value",
            options: Object.fromEntries(Object.entries(panel.valueNames).map(([value, text], index) => [value, { text, index }])),
        }]
        : [];
    return {
        defaults: { unit: panel.unit ?? "short", mappings, thresholds: { mode: "absolute", steps } },
        overrides: [],
    };
}

function panelOptions(kind: PanelKind) {
    return kind === "stat"
        ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "background", graphMode: "none", textMode: "auto" }
        : { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } };
}

/** The Grafana JSON model of a dashboard definition. */
export function grafanaDashboard(definition: DashboardDefinition): Record<string, unknown> {
    const panels: Record<string, unknown>[] = [];
    let id = 1;
    let y = 0;
    for (const row of definition.rows) {
        panels.push({ id: id++, type: "row", title: row.title, collapsed: false, gridPos: { h: 1, w: gridWidth, x: 0, y }, panels: [] });
        y += 1;
        let x = 0;
        for (const panel of row.panels) {
            const width = panel.width ?? 12;
            if (x + width > gridWidth) {
                x = 0;
                y += panelHeight;
            }
            panels.push({
                id: id++,
                type: panel.kind,
                title: panel.title,
                description: panel.description,
                datasource,
                gridPos: { h: panelHeight, w: width, x, y },
                targets: panel.queries.map((query, index) => ({
                    refId: String.fromCharCode(65 + index),
                    datasource,
                    expr: query.expr,
                    legendFormat: query.legend,
                })),
                fieldConfig: fieldConfig(panel),
                options: panelOptions(panel.kind),
            });
            x += width;
        }
        y += panelHeight;
    }
    return {
        uid: definition.uid,
        title: definition.title,
        tags: definition.tags,
        editable: false,
        schemaVersion: 39,
        timezone: "browser",
        refresh: "1m",
        time: { from: "now-24h", to: "now" },
        templating: {
            list: [{ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", hide: 0 }],
        },
        annotations: { list: [] },
        panels,
    };
}

/** Every PromQL expression of a definition, for checks. */
export function dashboardQueries(definition: DashboardDefinition): string[] {
    return definition.rows.flatMap((row) => row.panels.flatMap((panel) => panel.queries.map((query) => query.expr)));
}
