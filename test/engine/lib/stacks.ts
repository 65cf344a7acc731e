/**
 * The stacks the engine tests run: dev as committed, and a prod-shaped stack
 * made from Pulumi.prod.yaml with single sign-on off (the Keycloak provider
 * cannot be built from the registries, docs/engine-tests.md), plus what the
 * mock runtime says each stack declares, to hold the engine to.
 */
import * as fs from "fs";
import * as path from "path";
import { dump, load } from "js-yaml";
import { kubernetesObjects, runStack } from "../../../tools/mockRuntime";
import { root } from "./pulumiCli";

const project = "rocketchat-ha";

function stackConfig(stack: string): Record<string, unknown> {
    return (load(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as any).config;
}

/**
 * Pulumi.prod.yaml with ssoEnabled false, no Keycloak provider settings and
 * no Keycloak groups (the program rejects groups without SSO).
 */
export function prodWithoutSso(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const config = Object.fromEntries(Object.entries(stackConfig("prod")).filter(([k]) => !k.startsWith("keycloak:")));
    config[`${project}:ssoEnabled`] = false;
    config[`${project}:keycloakGroups`] = [];
    for (const [k, v] of Object.entries(overrides)) {
        config[`${project}:${k}`] = v;
    }
    return config;
}

export function devConfig(): Record<string, unknown> {
    return stackConfig("dev");
}

export function stackYaml(config: Record<string, unknown>): string {
    return dump({ config }, { lineWidth: -1 });
}

/** Mock-runtime overrides that turn the committed stack `base` into `config` (undefined removes a key). */
export function overridesOf(base: string, config: Record<string, unknown>): Record<string, unknown> {
    const removed = Object.keys(stackConfig(base)).filter((k) => !(k in config)).map((k) => [k, undefined]);
    return { ...Object.fromEntries(removed), ...config };
}

/** `type::name` of every resource the mock runtime sees the program declare. */
export async function declaredResources(base: string, config: Record<string, unknown>): Promise<string[]> {
    const run = await runStack(base, overridesOf(base, config));
    return run.resources.map((r) => `${r.type}::${r.name}`).sort();
}

/** Every storageClassName the stack's claims name (claims, claim templates, ephemeral volumes). */
export async function storageClassesOf(base: string, config: Record<string, unknown>): Promise<string[]> {
    const objects = kubernetesObjects(await runStack(base, overridesOf(base, config)));
    const names = new Set<string>();
    const walk = (v: any): void => {
        if (Array.isArray(v)) {
            v.forEach(walk);
        } else if (v && typeof v === "object") {
            if (typeof v.storageClassName === "string" && v.storageClassName) {
                names.add(v.storageClassName);
            }
            Object.values(v).forEach(walk);
        }
    };
    walk(objects);
    return [...names];
}
