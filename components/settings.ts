/**
 * The schema and type of every `rocketchat-ha:*` stack setting, derived from
 * the one table in settingDefinitions.ts (name, type, default, description,
 * rule). Rules that relate two settings live in `crossChecks.ts`.
 */
import * as v from "valibot";
import { settingDefinitions } from "./settingDefinitions";

export type { ChannelDeclaration } from "./settingRules";

type Definitions = typeof settingDefinitions;
export type SettingName = keyof Definitions;

const rulesByName = Object.fromEntries(Object.entries(settingDefinitions).map(([name, definition]) => [name, definition.rule])) as
    { [N in SettingName]: Definitions[N]["rule"] };

export const settingsSchema = v.object(rulesByName);

export type Settings = v.InferOutput<typeof settingsSchema>;

export const settingNames = Object.keys(settingDefinitions) as SettingName[];

/**
 * Settings whose values are objects or lists of objects. Pulumi config types
 * cannot describe those, so Pulumi.yaml declares them without a type (only a
 * default) and their rule checks the shape.
 */
export const structuredSettings: readonly SettingName[] = settingNames.filter((name) => settingDefinitions[name].type === undefined);

/** The settings Pulumi.yaml gives a default. */
export type DefaultedSettingName = { [N in SettingName]: Definitions[N] extends { readonly default: unknown } ? N : never }[SettingName];

/**
 * A setting's default as the program sees it (parsed by its rule), for code
 * that needs it outside a stack, e.g. a builder's "Defaults to ..." arg.
 */
export function settingDefault<N extends DefaultedSettingName>(name: N): Settings[N] {
    return v.parse(settingsSchema.entries[name], (settingDefinitions[name] as { default: unknown }).default) as Settings[N];
}

/** The most Rocket.Chat pods the stack may run: the autoscaler's maximum when it scales. */
export function mostRocketchatPods(s: Pick<Settings, "autoscalingEnabled" | "rocketchatReplicas" | "autoscalingMaxReplicas">): number {
    return s.autoscalingEnabled ? Math.max(s.rocketchatReplicas, s.autoscalingMaxReplicas) : s.rocketchatReplicas;
}
