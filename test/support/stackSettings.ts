/**
 * A stack's validated settings without running the program: Pulumi.yaml's
 * defaults, overlaid by Pulumi.<stack>.yaml and the test's overrides, through
 * the same loadSettings the program calls. Pure and fast: tests feed these
 * settings to the builders (components/<area>/...ArgsFromSettings) instead of
 * running the whole program under the mock runtime.
 */
import { loadSettings } from "../../components/config";
import { Settings } from "../../components/settings";
import { loadStackConfig, projectName } from "../../tools/stackConfig";

export function stackSettings(stack: string, overrides: Record<string, unknown> = {}): Settings {
    const config = loadStackConfig(stack, overrides);
    return loadSettings((name: string) => config.values[`${projectName}:${name}`], () => Object.keys(config.values));
}
