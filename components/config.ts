/**
 * Reads every `rocketchat-ha:*` setting, checks each value and the rules that
 * relate them, and returns typed settings. Nothing is declared before this
 * succeeds; on failure one error lists every problem with the setting's full
 * name, the value given and what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as v from "valibot";
import { didYouMean } from "./closestName";
import { crossChecks, SettingProblem } from "./crossChecks";
import { settingNames, Settings, settingsSchema, SettingName } from "./settings";

export const projectName = "rocketchat-ha";

export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((problem) => `  - ${problem}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Reads one raw setting; by default from the running Pulumi stack. */
export type SettingReader = (name: SettingName) => string | undefined;

const pulumiReader: SettingReader = (name) => new pulumi.Config(projectName).get(name);

/** Every configured key, fully qualified ("rocketchat-ha:mongodbMembers", "keycloak:url"). */
export type ConfigKeyLister = () => string[];

const pulumiKeys: ConfigKeyLister = () => Object.keys(pulumi.runtime.allConfig());

function describe(value: unknown): string {
    return value === undefined ? "(not set)" : JSON.stringify(value);
}

function formatProblem(setting: string, value: unknown, allowed: string): string {
    return `${projectName}:${setting} = ${describe(value)}: must be ${allowed}`;
}

/** The error for problems found after loading (objects the settings would make collide): the same lines loadSettings writes. */
export function settingsRefused(problems: readonly SettingProblem[]): ConfigError {
    return new ConfigError(problems.map((p) => formatProblem(p.setting, p.value, p.allowed)));
}

function schemaProblems(issues: readonly v.BaseIssue<unknown>[], raw: Record<string, unknown>): { setting: string; line: string }[] {
    const seen = new Set<string>();
    const problems: { setting: string; line: string }[] = [];
    for (const issue of issues) {
        const setting = String(issue.path?.[0]?.key);
        const line = formatProblem(setting, raw[setting], issue.message);
        if (!seen.has(line)) {
            seen.add(line);
            problems.push({ setting, line });
        }
    }
    return problems;
}

/** The parsed values of the settings that passed their own checks. */
function validSubset(raw: Record<string, unknown>, invalid: Set<string>): Partial<Settings> {
    const subset: Record<string, unknown> = {};
    for (const name of settingNames.filter((n) => !invalid.has(n))) {
        const result = v.safeParse(settingsSchema.entries[name], raw[name]);
        if (result.success) {
            subset[name] = result.output;
        }
    }
    return subset as Partial<Settings>;
}

/**
 * Keys of our namespace that the program does not define. Pulumi hands the
 * program every key of the stack file, but nothing reads an undefined one: a
 * misspelled key would silently leave its setting at the default (with
 * `channel` for `channels`, no channels and pruning on: every managed
 * channel deleted). Other namespaces (keycloak:, kubernetes:) belong to
 * their providers and are left alone.
 */
function unknownKeyProblems(keys: readonly string[], read: SettingReader): string[] {
    const known = new Set<string>(settingNames);
    return keys
        .filter((key) => key.startsWith(`${projectName}:`))
        .map((key) => key.slice(projectName.length + 1))
        .filter((name) => !known.has(name))
        .sort()
        .map((name) => `${projectName}:${name} = ${describe(read(name as SettingName))}: is not a setting of this program${didYouMean(name, settingNames, (n) => `${projectName}:${n}`)} ` +
            "(an unknown key would be ignored and its setting left at the default; Pulumi.yaml lists every setting)");
}

/**
 * Loads and validates all settings. Throws ConfigError listing every problem.
 * Missing settings are problems too: Pulumi.yaml gives every optional setting
 * a default, so a missing value means a required setting was not given.
 */
export function loadSettings(read: SettingReader = pulumiReader, keys: ConfigKeyLister = pulumiKeys): Settings {
    const unknown = unknownKeyProblems(keys(), read);
    const raw: Record<string, unknown> = {};
    const missing: SettingName[] = [];
    for (const name of settingNames) {
        const value = read(name);
        if (value === undefined) {
            missing.push(name);
        }
        raw[name] = value;
    }
    const parsed = v.safeParse(settingsSchema, raw);
    const problems = parsed.success ? [] : schemaProblems(parsed.issues, raw);
    const invalid = new Set(problems.map((p) => p.setting));
    missing.forEach((name) => invalid.add(name));
    // Rules relating settings run whenever the settings they read are valid,
    // so one run reports every problem it can.
    const valid = parsed.success ? parsed.output : validSubset(raw, invalid);
    const related: SettingProblem[] = crossChecks
        .filter((check) => check.reads.every((name) => !invalid.has(name)))
        .flatMap((check) => check.run(valid as Settings));
    const all = [
        ...unknown,
        ...missing.map((name) => formatProblem(name, undefined, "set in Pulumi.<stack>.yaml (it has no default)")),
        ...problems.filter((p) => !missing.includes(p.setting as SettingName)).map((p) => p.line),
        ...related.map((p) => formatProblem(p.setting, p.value, p.allowed)),
    ];
    if (all.length > 0) {
        throw new ConfigError(all);
    }
    return (parsed as { output: Settings }).output;
}
