/**
 * Runs the policy pack without the Pulumi CLI or a gRPC server: every policy
 * is called directly with the argument objects @pulumi/policy's analyzer
 * would build (see server.js in @pulumi/policy: ResourceValidationArgs,
 * StackValidationArgs, reportViolation), with the enforcement levels and
 * config of policy/config/<stack>.json resolved the way the CLI does.
 * Used by the tests and by `npm run render`.
 */
import { readFileSync, existsSync } from "fs";
import * as path from "path";
import type { DeclaredResource } from "../tools/mockRuntime";
// offline.ts runs inside the project's tools (render, tests), never in the CLI's analyzer.
import { didYouMean } from "../components/closestName";
import { allPolicies, packEnforcementLevel } from "./allPolicies";
import {
    EnforcementLevel,
    PackPolicy,
    PolicyConfigSchema,
    PolicyResource as PulumiPolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "./lib/policyTypes";
import { unknownConfigKeys } from "./lib/strictConfig";

/** A resource as the pack sees it: Pulumi type, name, URN and (input) properties. */
export interface PolicyResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
}

export interface PolicyViolation {
    /** The policy's name, e.g. "ha-pod-anti-affinity". */
    policy: string;
    level: "advisory" | "mandatory";
    /** URN of the offending resource; absent when the stack as a whole violates the policy. */
    resource?: string;
    /** What is wrong and how to fix it. */
    message: string;
}

export const projectName = "rocketchat-ha";
export const policyConfigDir = path.join(__dirname, "config");

/** The URN the Pulumi engine would give a top-level resource of this stack. */
export function resourceUrn(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::${projectName}::${type}::${name}`;
}

/** Converts what tools/mockRuntime.ts captured into what the pack evaluates. */
export function toPolicyResources(resources: readonly DeclaredResource[], stack: string): PolicyResource[] {
    return resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resourceUrn(stack, resource.type, resource.name),
        props: resource.inputs ?? {},
    }));
}

/** One policy's resolved configuration: its level and its properties with schema defaults applied. */
export interface ResolvedPolicyConfig {
    readonly level: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

type PolicyConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

const enforcementLevels: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function jsonType(value: unknown): string {
    if (Array.isArray(value)) {
        return "array";
    }
    if (value === null) {
        return "null";
    }
    return Number.isInteger(value) ? "integer" : typeof value;
}

/** The checks the CLI's JSON-schema validation would make on our (flat) schemas, plus unknown keys. */
function schemaProblems(policy: string, schema: PolicyConfigSchema | undefined, properties: Record<string, unknown>): string[] {
    const declared = schema?.properties ?? {};
    const problems = unknownConfigKeys(policy, schema, properties, (key, known) => didYouMean(key, known, (name) => `${policy}.${name}`));
    for (const [key, value] of Object.entries(properties)) {
        const property = declared[key];
        if (!property) {
            continue;
        }
        const allowedTypes = ([] as string[]).concat(property.type ?? []);
        const actual = jsonType(value);
        if (allowedTypes.length > 0 && !allowedTypes.includes(actual) && !(actual === "integer" && allowedTypes.includes("number"))) {
            problems.push(`${policy}.${key} must be of type ${allowedTypes.join(" or ")}, not ${actual}`);
        } else if (typeof value === "number" && property.minimum !== undefined && value < property.minimum) {
            problems.push(`${policy}.${key} must be at least ${property.minimum}`);
        }
    }
    for (const key of schema?.required ?? []) {
        if (!(key in properties) && declared[key]?.default === undefined) {
            problems.push(`${policy}.${key} is required`);
        }
    }
    return problems;
}

function levelProblem(where: string, level: unknown): string[] {
    return level === undefined || enforcementLevels.includes(level as EnforcementLevel)
        ? []
        : [`${where} has enforcement level ${JSON.stringify(level)}; use one of ${enforcementLevels.join(", ")}`];
}

/**
 * Resolves every policy's level and config from a policy-config file's
 * content, like the CLI: a policy's own entry beats "all", which beats the
 * policy's enforcementLevel, which beats the pack's. Throws one error
 * listing every problem (unknown policies or settings, wrong types).
 */
export function resolvePolicyConfig(file: PolicyConfigFile, policies: readonly PackPolicy[] = allPolicies): Map<string, ResolvedPolicyConfig> {
    const known = new Set(policies.map((policy) => policy.name));
    const problems: string[] = Object.keys(file)
        .filter((key) => key !== "all" && !known.has(key))
        .map((key) => `${key} is not a policy of this pack${didYouMean(key, [...known, "all"])}`);
    const entryOf = (key: string) => {
        const entry = file[key];
        return typeof entry === "string" ? { enforcementLevel: entry } : entry ?? {};
    };
    const all = entryOf("all");
    problems.push(...levelProblem("all", all.enforcementLevel));
    const resolved = new Map<string, ResolvedPolicyConfig>();
    for (const policy of policies) {
        const { enforcementLevel, ...properties } = entryOf(policy.name);
        problems.push(...levelProblem(policy.name, enforcementLevel), ...schemaProblems(policy.name, policy.configSchema, properties));
        const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {})
            .filter(([, property]) => property.default !== undefined)
            .map(([key, property]) => [key, property.default]));
        resolved.set(policy.name, {
            level: enforcementLevel ?? all.enforcementLevel ?? policy.enforcementLevel ?? packEnforcementLevel,
            properties: { ...defaults, ...properties },
        });
    }
    if (problems.length > 0) {
        throw new Error(`invalid policy config:\n  - ${problems.join("\n  - ")}`);
    }
    return resolved;
}

/** Reads policy/config/<stack>.json and resolves it. */
export function loadPolicyConfig(stack: string): Map<string, ResolvedPolicyConfig> {
    const file = path.join(policyConfigDir, `${stack}.json`);
    if (!existsSync(file)) {
        throw new Error(`no policy config for stack '${stack}': create ${file} (see docs/policies.md)`);
    }
    try {
        return resolvePolicyConfig(JSON.parse(readFileSync(file, "utf8")));
    } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`);
    }
}

/** What args.notApplicable() throws; the analyzer records it and moves on. */
class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason ?? "not applicable");
}

/** Like @pulumi/policy's isTypeOf: the class's __pulumiType, else its isInstance. */
function isTypeOf(type: string, resourceClass: any): boolean {
    const pulumiType = resourceClass?.__pulumiType;
    if (typeof pulumiType === "string" && pulumiType.length > 0) {
        return type === pulumiType;
    }
    return typeof resourceClass?.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

const noStackTags: ReadonlyMap<string, string> = new Map();

const defaultOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

function resourceArgs(resource: PolicyResource, config: Record<string, unknown>): ResourceValidationArgs {
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: resource.props,
        opts: defaultOptions,
        stackTags: noStackTags,
        isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
        asType: ((resourceClass: any) => (isTypeOf(resource.type, resourceClass) ? resource.props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...config }) as T,
        notApplicable,
    };
}

function stackArgs(resources: PolicyResource[], config: Record<string, unknown>): StackValidationArgs {
    const stackResources: PulumiPolicyResource[] = resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: resource.props,
        opts: defaultOptions,
        dependencies: [],
        propertyDependencies: {},
        isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
        asType: ((resourceClass: any) => (isTypeOf(resource.type, resourceClass) ? resource.props : undefined)) as PulumiPolicyResource["asType"],
    }));
    return { resources: stackResources, stackTags: noStackTags, getConfig: <T extends object>() => ({ ...config }) as T, notApplicable };
}

/** Runs one validation, treating notApplicable() as "nothing to report" and naming the policy on errors. */
async function runValidation(policy: string, validation: () => Promise<void> | void): Promise<void> {
    try {
        await validation();
    } catch (error) {
        if (error instanceof NotApplicable) {
            return;
        }
        throw new Error(`policy ${policy} failed: ${(error as Error).message}`);
    }
}

function isStackPolicy(policy: PackPolicy): policy is StackValidationPolicy {
    return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** Applies every policy of the pack to `resources` with the levels and config of `stack`. */
export async function evaluatePolicies(resources: PolicyResource[], stack: string): Promise<PolicyViolation[]> {
    return evaluateWithConfig(resources, loadPolicyConfig(stack));
}

/** The same, with an already resolved configuration (tests use it to vary levels). */
export async function evaluateWithConfig(resources: PolicyResource[], config: Map<string, ResolvedPolicyConfig>, policies: readonly PackPolicy[] = allPolicies): Promise<PolicyViolation[]> {
    const violations: PolicyViolation[] = [];
    for (const policy of policies) {
        const { level: configured, properties } = config.get(policy.name) ?? { level: packEnforcementLevel, properties: {} };
        if (configured === "disabled") {
            continue;
        }
        // As in the analyzer: a violation that remains after remediation is mandatory.
        const level = configured === "advisory" ? "advisory" : "mandatory";
        const record = (message: string, resource?: string) => violations.push({ policy: policy.name, level, resource, message });
        if (isStackPolicy(policy)) {
            const args = stackArgs(resources, properties);
            await runValidation(policy.name, () => policy.validateStack(args, (message, urn) => record(message, urn)));
            continue;
        }
        const validations = ([] as NonNullable<ResourceValidationPolicy["validateResource"]>[])
            .concat((policy as ResourceValidationPolicy).validateResource ?? [])
            .flat();
        for (const resource of resources) {
            const args = resourceArgs(resource, properties);
            for (const validate of validations) {
                // The resource being validated is always the one reported, whatever urn is passed.
                await runValidation(policy.name, () => validate(args, (message) => record(message, resource.urn)));
            }
        }
    }
    return violations;
}

/** Violations at the mandatory level: any of them fails `pulumi preview`. */
export function mandatoryViolations(violations: PolicyViolation[]): PolicyViolation[] {
    return violations.filter((violation) => violation.level === "mandatory");
}
