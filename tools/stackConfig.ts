/**
 * Stack configuration as the Pulumi CLI would hand it to the program:
 * project defaults from Pulumi.yaml, overlaid by Pulumi.<stack>.yaml. The SDK
 * alone does not apply project defaults, so offline runs must.
 */
import { readFileSync, existsSync } from "fs";
import * as path from "path";
import { load as parse } from "js-yaml";

export const projectRoot = path.resolve(__dirname, "..");
export const projectName = "rocketchat-ha";

export interface StackConfig {
    /** Fully qualified key ("ns:key") to the string the program receives. */
    readonly values: Record<string, string>;
    /** Keys whose values are secrets (secure: in the stack file). */
    readonly secretKeys: string[];
}

/** Config values reach the program as strings; structured ones as JSON. */
function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Project-level defaults from Pulumi.yaml's `config:` block: each setting's `default`, and the `value` of another namespace's key (the kubernetes provider's options). */
export function projectDefaults(root = projectRoot): Record<string, string> {
    const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as any;
    const defaults: Record<string, string> = {};
    for (const [key, declaration] of Object.entries<any>(project.config ?? {})) {
        if (declaration && typeof declaration === "object" && "default" in declaration) {
            defaults[key.includes(":") ? key : `${projectName}:${key}`] = asConfigString(declaration.default);
        } else if (declaration && typeof declaration === "object" && "value" in declaration) {
            defaults[key.includes(":") ? key : `${projectName}:${key}`] = asConfigString(declaration.value);
        }
    }
    return defaults;
}

/** The names of the stacks that have a Pulumi.<stack>.yaml. */
export function knownStacks(root = projectRoot): string[] {
    return ["dev", "test", "prod"].filter((stack) => existsSync(path.join(root, `Pulumi.${stack}.yaml`)));
}

/**
 * Loads a stack's configuration. Encrypted (`secure:`) values cannot be read
 * offline; they are replaced by a recognisable placeholder and marked secret.
 * `overrides` (short or full keys) let tests feed bad input.
 */
export function loadStackConfig(stack: string, overrides: Record<string, unknown> = {}, root = projectRoot): StackConfig {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!existsSync(file)) {
        throw new Error(`unknown stack '${stack}': ${file} does not exist (known: ${knownStacks(root).join(", ")})`);
    }
    const stackFile = (parse(readFileSync(file, "utf8")) ?? {}) as any;
    const values = projectDefaults(root);
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries<any>(stackFile.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${projectName}:${key}`;
        if (value && typeof value === "object" && "secure" in value) {
            values[fullKey] = `offline-placeholder-for-${fullKey}`;
            secretKeys.push(fullKey);
        } else {
            values[fullKey] = asConfigString(value);
        }
    }
    for (const [key, value] of Object.entries(overrides)) {
        const fullKey = key.includes(":") ? key : `${projectName}:${key}`;
        if (value === undefined) {
            delete values[fullKey];
        } else {
            values[fullKey] = asConfigString(value);
        }
    }
    return { values, secretKeys };
}
