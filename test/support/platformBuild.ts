/**
 * A whole stack built from the builders alone (components/stack/platformObjects.ts)
 * for the tests: from a stack's settings, with the Keycloak resources beside
 * the Kubernetes objects, and in the shape of a program run.
 *
 * This is the expectation the program test (test/program.test.ts) holds the
 * real program to: under the mock runtime, index.ts must register exactly
 * these objects, under these names and components. Tests about properties of
 * a whole stack (pod hygiene, placement, zones, the policy pack on a stack)
 * read the objects from here.
 */
import { keycloakClientResources, KeycloakResource } from "../../components/sso/keycloakClientResources";
import { keycloakClientArgsFromSettings } from "../../components/sso/ssoSettings";
import { Settings } from "../../components/settings";
import { GeneratedValues, instance, PlatformEntry, placeholderValues, platformObjects } from "../../components/stack/platformObjects";
import { DeploymentRecord } from "../../components/upgrades/deploymentRecord";
import { projectName } from "../../tools/stackConfig";
import { keycloakPlaceholderIds } from "./rocketchatBuild";
import { settingsFor } from "./settings";

export { instance, placeholderValues } from "../../components/stack/platformObjects";
export type { GeneratedValues } from "../../components/stack/platformObjects";

/** A configuration the stacks do not carry but the program must wire right: dev restoring an archive, dropping what exists. */
export const restoreCase = { restoreArchive: "rocketchat-20261128T021500Z.archive.gz", restoreDropExisting: true } as const;

/** A stack's identity as index.ts forms it under the mock runtime (organization "organization", tools/mockRuntime.ts). */
export function stackIdentityOf(stack: string): string {
    return `organization/${projectName}/${stack}`;
}

/** Every placeholder of placeholderValues, for leak checks. */
export const placeholderList: readonly string[] = [
    ...Object.values(placeholderValues.mongoPasswords), placeholderValues.keyfile, placeholderValues.adminPassword, placeholderValues.keycloakClientSecret,
    ...Object.values(placeholderValues.previous!),
];

export interface PlatformBuild {
    readonly settings: Settings;
    readonly entries: PlatformEntry[];
    /** Every Kubernetes object, in declaration order (patches of objects the stack does not create left out). */
    readonly objects: any[];
    /** The Keycloak resources (provider type, name, inputs); none with SSO off. */
    readonly keycloak: readonly KeycloakResource<string>[];
}

/** A stack's whole platform from its settings (components/stack/platformObjects.ts), with its Keycloak resources. */
export function platformBuildFromSettings(s: Settings, stack: string, generated?: GeneratedValues, previous?: DeploymentRecord): PlatformBuild {
    const entries = platformObjects(s, stack, generated, previous);
    const keycloakArgs = keycloakClientArgsFromSettings(s);
    const keycloak = keycloakArgs ? keycloakClientResources(instance, keycloakArgs, keycloakPlaceholderIds(instance, keycloakArgs)) : [];
    return { settings: s, entries, objects: entries.filter((entry) => !entry.patch).map((entry) => entry.object), keycloak };
}

/** A stack's whole platform: Pulumi.yaml defaults, Pulumi.<stack>.yaml, then the overrides. */
export function platformBuild(stack: string, overrides: Record<string, unknown> = {}, generated?: GeneratedValues, previous?: DeploymentRecord): PlatformBuild {
    return platformBuildFromSettings(settingsFor(stack, overrides), stackIdentityOf(stack), generated, previous);
}

/** The Pulumi type token of a Kubernetes object (what @pulumi/kubernetes registers it as). */
export function kubernetesType(object: { apiVersion: string; kind: string }, patch = false): string {
    const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["core", object.apiVersion];
    if (patch) {
        return `kubernetes:${group}/${version}:${object.kind}Patch`;
    }
    // Kinds without a typed class go through CustomResource, whose token keeps the apiVersion whole.
    return object.kind === "ServiceMonitor" || object.kind === "PrometheusRule" || object.kind === "Route"
        ? `kubernetes:${object.apiVersion}:${object.kind}`
        : `kubernetes:${group}/${version}:${object.kind}`;
}

/** A built resource as the mock runtime would capture it: type token, resource name, plain inputs. */
export interface BuiltResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: any;
}

/** A stack's built resources in the shape of a program run's (tools/mockRuntime.ts StackRun), for tests written against runs. */
export interface BuiltStack {
    readonly stack: string;
    readonly resources: BuiltResource[];
}

/** Plain JSON, as the SDK serializes inputs (undefined fields dropped). */
const plainJson = (value: unknown) => JSON.parse(JSON.stringify(value));

export function builtStack(stack: string, overrides: Record<string, unknown> = {}, generated?: GeneratedValues, previous?: DeploymentRecord): BuiltStack {
    const build = platformBuild(stack, overrides, generated, previous);
    return {
        stack,
        resources: [
            ...build.entries.map(({ object, patch }) => ({ type: kubernetesType(object, patch), name: object.metadata.name, inputs: plainJson(object) })),
            ...build.keycloak.map((resource) => ({ type: resource.type, name: resource.name, inputs: plainJson(resource.inputs) })),
        ],
    };
}

/** A stack's Kubernetes objects, built (cached per stack: tests must not modify them). */
const builtStacks = new Map<string, any[]>();
export function stackObjects(stack: string): any[] {
    if (!builtStacks.has(stack)) {
        builtStacks.set(stack, platformBuild(stack).objects);
    }
    return builtStacks.get(stack)!;
}
