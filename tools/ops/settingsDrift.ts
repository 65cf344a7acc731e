/**
 * Do the Rocket.Chat settings the program enforces hold their declared
 * values? The declared values are the literal `OVERWRITE_SETTING_<id>`
 * variables of the Rocket.Chat container, as the stack exports them
 * (output rocketchatEnforcedSettings, components/rocketchat/enforcedSettings.ts);
 * the actual values are documents of the `rocketchat_settings` collection
 * ({ _id: <settingId>, value }). Pure: the CLI passes both in.
 */
import type { EnforcedSettings } from "../../components/rocketchat/enforcedSettings";

export interface DeclaredSetting {
    readonly id: string;
    /** The value as the environment carries it (a string). */
    readonly value: string;
}

export interface SettingComparison {
    readonly id: string;
    readonly area: string;
    readonly declared: string;
    /** The stored value as text; undefined when the setting does not exist. */
    readonly actual?: string;
    readonly status: "ok" | "differs" | "missing";
}


/** The settings to compare, from the stack's export; Secret-backed ones are listed apart (their values are not ours to print). */
export function declaredSettings(enforced: EnforcedSettings): { compared: DeclaredSetting[]; fromSecrets: string[] } {
    return { compared: Object.entries(enforced.values).map(([id, value]) => ({ id, value })), fromSecrets: [...enforced.fromSecrets] };
}

/** Which part of the program manages a setting, for grouping the output. */
export function areaOf(id: string): string {
    if (id.startsWith("Accounts_OAuth_Custom")) {
        return "OAuth";
    }
    if (id === "Accounts_ShowFormLogin") {
        return "login form";
    }
    if (id.startsWith("FileUpload_")) {
        return "uploads";
    }
    if (id.startsWith("RetentionPolicy_")) {
        return "retention";
    }
    return "other";
}

/** A stored value as the environment would spell it: Rocket.Chat parses "true"/"104857600" into booleans and numbers. */
export function asEnvText(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

export function compareSettings(declared: readonly DeclaredSetting[], stored: readonly { _id: string; value?: unknown }[]): SettingComparison[] {
    const byId = new Map(stored.map((doc) => [doc._id, doc]));
    return declared.map(({ id, value }) => {
        const doc = byId.get(id);
        const actual = doc === undefined ? undefined : asEnvText(doc.value);
        return { id, area: areaOf(id), declared: value, actual, status: actual === undefined ? "missing" : actual === value ? "ok" : "differs" };
    });
}

export function formatComparison(rows: readonly SettingComparison[], fromSecrets: readonly string[]): string[] {
    const bad = rows.filter((r) => r.status !== "ok");
    const lines = [`${rows.length - bad.length} of ${rows.length} managed settings hold their declared values`];
    for (const area of [...new Set(rows.map((r) => r.area))]) {
        lines.push("", `${area}:`);
        for (const r of rows.filter((row) => row.area === area)) {
            const detail = r.status === "ok" ? "" : r.status === "missing" ? " (declared, not stored yet)" : ` (stored ${JSON.stringify(r.actual)})`;
            lines.push(`  ${r.status === "ok" ? "ok     " : r.status.padEnd(7)} ${r.id} = ${JSON.stringify(r.declared)}${detail}`);
        }
    }
    if (fromSecrets.length > 0) {
        lines.push("", `not compared (values come from Secrets): ${fromSecrets.join(", ")}`);
    }
    return lines;
}
