/**
 * Reads a stack's settings the way the program does (Pulumi.yaml defaults,
 * Pulumi.<stack>.yaml, the test's overrides, loadSettings), without the Pulumi
 * runtime: for tests of validation, and as the input of the builders
 * (settings -> ...ArgsFromSettings -> builder).
 */
import { loadSettings } from "../../components/config";
import { Settings } from "../../components/settings";
import { loadStackConfig, projectName } from "../../tools/stackConfig";

export function settingsFor(stack: string, overrides: Record<string, unknown> = {}): Settings {
    const config = loadStackConfig(stack, overrides);
    return loadSettings((name) => config.values[`${projectName}:${name}`], () => Object.keys(config.values));
}

/** The ConfigError message for a stack with overrides; fails if none is thrown. */
export function configErrorFor(stack: string, overrides: Record<string, unknown>): string {
    try {
        settingsFor(stack, overrides);
    } catch (error) {
        return (error as Error).message;
    }
    throw new Error(`expected a configuration error for ${JSON.stringify(overrides)}`);
}
