/**
 * Rocket.Chat reads a setting from two environment variables: `<settingId>`
 * seeds its value, `OVERWRITE_SETTING_<settingId>` enforces it on every start
 * (apps/meteor/app/settings/server/functions/overrideGenerator.ts, fed by
 * process.env). Any rule about one spelling must hold for the other.
 */
import { overwriteSettingPrefix } from "./enforcedSettings";

/** The setting id a variable spells, whichever form it has. */
export function settingIdOf(variable: string): string {
    return variable.startsWith(overwriteSettingPrefix) ? variable.slice(overwriteSettingPrefix.length) : variable;
}

/** Both variables that carry the setting `variable` names: [seed, enforced]. */
export function bothSpellings(variable: string): [string, string] {
    const id = settingIdOf(variable);
    return [id, `${overwriteSettingPrefix}${id}`];
}
