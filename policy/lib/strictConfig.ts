/**
 * Unknown keys in a policy's config are refused, not ignored. The CLI checks
 * policy config only against the JSON schema @pulumi/policy reports
 * (properties and required, see makeAnalyzerInfo in its protoutil.js), which
 * lets any other key through: a misspelled `schedulableNode` would silently
 * leave the default in force. The offline runner (offline.ts) refuses such keys
 * before any policy runs; under the CLI, policy/index.ts wraps every policy so
 * its first look at the config fails the same way.
 */
import { PackPolicy, PolicyConfigSchema } from "./policyTypes";

/** One sentence per key of `properties` that `schema` does not declare. */
export function unknownConfigKeys(policy: string, schema: PolicyConfigSchema | undefined, properties: Record<string, unknown>, hint: (key: string, known: string[]) => string = () => ""): string[] {
    const known = Object.keys(schema?.properties ?? {});
    return Object.keys(properties)
        .filter((key) => !known.includes(key))
        .map((key) => `${policy}.${key} is not a setting of this policy${hint(key, known)} (known: ${known.join(", ") || "none"})`);
}

function refuseUnknown(policy: PackPolicy, args: { getConfig<T extends object>(): T }): void {
    const problems = unknownConfigKeys(policy.name, policy.configSchema, args.getConfig<Record<string, unknown>>());
    if (problems.length > 0) {
        throw new Error(`invalid policy config: ${problems.join("; ")}`);
    }
}

/** The same policy, refusing unknown config keys before it validates anything. */
export function withStrictConfig(policy: PackPolicy): PackPolicy {
    if ("validateStack" in policy) {
        const validate = policy.validateStack;
        return { ...policy, validateStack: (args, report) => (refuseUnknown(policy, args), validate(args, report)) };
    }
    const validators = ([] as any[]).concat(policy.validateResource ?? []);
    return {
        ...policy,
        validateResource: validators.map((validate) => (args: any, report: any) => (refuseUnknown(policy, args), validate(args, report))),
    };
}
