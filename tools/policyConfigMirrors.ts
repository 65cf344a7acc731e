/**
 * The policy pack's per-stack values that mirror a setting. The pack runs
 * apart from the program (`pulumi preview --policy-pack policy
 * --policy-pack-config policy/config/<stack>.json`) and cannot read the
 * stack's settings, so policy/config/<stack>.json holds a copy: each
 * setting whose definition names a `mirroredBy` policy property gets the
 * stack's value there. `npm run docs:config` writes them; a test fails when a
 * file drifts. Everything else in those files (enforcement levels, policy-only
 * properties such as minMembers) stays as written.
 */
import * as path from "path";
import * as v from "valibot";
import { SettingDefinition, settingDefinitions } from "../components/settingDefinitions";
import { loadStackConfig, projectName, projectRoot } from "./stackConfig";

export const policyConfigDir = path.join(projectRoot, "policy", "config");

export function policyConfigFile(stack: string): string {
    return path.join(policyConfigDir, `${stack}.json`);
}

/** Each mirrored setting with its policy property. */
export const mirroredSettings = Object.entries<SettingDefinition>(settingDefinitions)
    .filter(([, definition]) => definition.mirroredBy !== undefined)
    .map(([name, definition]) => ({ name, definition, mirror: definition.mirroredBy! }));

type PolicyConfig = Record<string, unknown>;

/** A policy's entry as an object ("mandatory" becomes { enforcementLevel: "mandatory" }). */
function entryObject(entry: unknown): Record<string, unknown> {
    if (entry === undefined) {
        return {};
    }
    if (typeof entry === "string") {
        return { enforcementLevel: entry };
    }
    return { ...(entry as Record<string, unknown>) };
}

/**
 * The policy config text for `stack` with every mirrored property set to the
 * stack's value of its setting (defaults applied, parsed by the setting's
 * rule). Key order is kept, so only changed values show in a diff.
 * `stackOverrides` (as for loadStackConfig) let tests change the stack.
 */
export function withMirroredSettings(stack: string, policyConfigJson: string, stackOverrides: Record<string, unknown> = {}): string {
    const config = JSON.parse(policyConfigJson) as PolicyConfig;
    const values = loadStackConfig(stack, stackOverrides).values;
    for (const { name, definition, mirror } of mirroredSettings) {
        const value = v.parse(definition.rule, values[`${projectName}:${name}`]);
        config[mirror.policy] = { ...entryObject(config[mirror.policy]), [mirror.property]: value };
    }
    return `${JSON.stringify(config, null, 2)}\n`;
}
