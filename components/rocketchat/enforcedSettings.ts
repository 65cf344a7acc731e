/**
 * The Rocket.Chat settings the program enforces, read off the container
 * environment it declares: every `OVERWRITE_SETTING_<id>` variable. Rocket.Chat
 * applies these on each start (app/lib/server/startup/settings overwrite), so
 * they are what `npm run ops -- settings` compares with the database. The stack
 * exports the result (index.ts `rocketchatEnforcedSettings`). Pure.
 */

export interface EnforcedSettings {
    /** Setting id -> the literal value as the environment carries it (a string). */
    readonly values: Record<string, string>;
    /** Ids whose values come from Secrets: named, never exported or printed. */
    readonly fromSecrets: string[];
}

export const overwriteSettingPrefix = "OVERWRITE_SETTING_";

export function enforcedSettings(env: readonly { readonly name: string; readonly value?: string }[]): EnforcedSettings {
    const overwrites = env.filter((e) => e.name.startsWith(overwriteSettingPrefix));
    const id = (name: string) => name.slice(overwriteSettingPrefix.length);
    return {
        values: Object.fromEntries(overwrites.filter((e) => e.value !== undefined).map((e) => [id(e.name), e.value!])),
        fromSecrets: overwrites.filter((e) => e.value === undefined).map((e) => id(e.name)),
    };
}
