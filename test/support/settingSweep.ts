/**
 * The prod stack's every-setting sweep (tools/transitions/settingSweep.ts
 * over representativeChanges), run once per process: the sweep test and the
 * docs/changes.md check read the same runs, and `npm run docs:changes`
 * writes the file from them.
 */
import { recordFor } from "../../components/platform";
import { settingNames } from "../../components/settings";
import { SettingSweep, sweepSettingChanges } from "../../tools/transitions/settingSweep";
import { instance } from "./platformBuild";
import { representativeChanges } from "./settingChanges";
import { settingsFor } from "./settings";

let sweep: Promise<SettingSweep> | undefined;

/** In the order of components/settingDefinitions.ts; a setting without a representative change is left out (the sweep test fails on it). */
export function prodSettingSweep(): Promise<SettingSweep> {
    sweep ??= sweepSettingChanges("prod",
        settingNames.filter((setting) => setting in representativeChanges).map((setting) => [setting, representativeChanges[setting]] as const),
        { deployment: recordFor(instance, settingsFor("prod")) });
    return sweep;
}
