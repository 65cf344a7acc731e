/**
 * Runs the Pulumi program offline under the SDK's mock runtime and captures
 * every resource it declares. Used by the tests and by `npm run render`.
 *
 * Traps handled here (see DESIGN.md): the program is required only after
 * setMocks (a static import hangs), ids arrive empty, computed outputs the
 * program reads (random results, Keycloak client secrets) must be mocked, and
 * config values must be strings with project defaults applied by us.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as path from "path";
import { loadStackConfig, projectName, projectRoot } from "./stackConfig";

// Internal to the SDK but exported: resolves once every pending RPC (resource
// registration included) has completed.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/** The marker the SDK puts on serialized secret values. */
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const sigKey = "4dabf18193072939515e22adb298388d";

export interface DeclaredResource {
    /** Pulumi type token, e.g. kubernetes:apps/v1:Deployment. */
    readonly type: string;
    /** Pulumi resource name (URN name). */
    readonly name: string;
    /** Inputs with secrets unwrapped to their plain values. */
    readonly inputs: any;
    /** JSON-pointer-like paths ("/stringData/password") of values that were secret. */
    readonly secretPaths: string[];
}

export interface StackRun {
    readonly stack: string;
    readonly resources: DeclaredResource[];
    readonly outputs: Record<string, unknown>;
    readonly warnings: string[];
    /** Every generated value (random results, Keycloak client secrets) and configured secret, for leak checks. */
    readonly secretValues: Set<string>;
}

/** Deterministic stand-in for a provider-computed value. */
function fakeValue(seed: string, length: number, alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"): string {
    let out = "";
    for (let round = 0; out.length < length; round++) {
        const digest = createHash("sha256").update(`${seed}:${round}`).digest();
        for (const byte of digest) {
            out += alphabet[byte % alphabet.length];
        }
    }
    return out.slice(0, length);
}

/** Outputs the providers would compute that the program reads. */
function computedState(type: string, name: string, inputs: any): Record<string, unknown> {
    switch (type) {
        case "random:index/randomPassword:RandomPassword":
            return { result: fakeValue(name, inputs.length ?? 16) };
        case "random:index/randomBytes:RandomBytes": {
            const bytes = Buffer.from(fakeValue(name, inputs.length ?? 32), "latin1");
            return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
        }
        case "keycloak:openid/client:Client":
            return { clientSecret: fakeValue(`${name}-client-secret`, 32) };
        default:
            return {};
    }
}

/** Removes the SDK's secret wrappers, recording where they were. */
function unwrapSecrets(value: any, at: string, paths: string[]): any {
    if (Array.isArray(value)) {
        return value.map((item, i) => unwrapSecrets(item, `${at}/${i}`, paths));
    }
    if (value && typeof value === "object") {
        if (value[sigKey] === secretSig) {
            paths.push(at || "/");
            return unwrapSecrets(value.value, at, []);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v, `${at}/${k}`, paths)]));
    }
    return value;
}

function collectStrings(value: any, into: Set<string>): void {
    if (typeof value === "string") {
        into.add(value);
    } else if (value && typeof value === "object") {
        Object.values(value).forEach((v) => collectStrings(v, into));
    }
}

/** Forgets the program's modules so the next run re-reads config. */
function forgetProgramModules(): void {
    for (const file of Object.keys(require.cache)) {
        const inProject = file.startsWith(projectRoot + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);
        const isTooling = file.startsWith(path.join(projectRoot, "tools") + path.sep) || file.startsWith(path.join(projectRoot, "test") + path.sep);
        if (inProject && !isTooling) {
            delete require.cache[file];
        }
    }
}

/**
 * Runs index.ts for `stack` with optional setting overrides and returns every
 * declared resource. Rejects with the program's own error (e.g. ConfigError).
 */
export async function runStack(stack: string, overrides: Record<string, unknown> = {}): Promise<StackRun> {
    const config = loadStackConfig(stack, overrides);
    // index.ts validates before declaring anything; doing the same here first
    // reports a ConfigError without leaving the mock runtime half-run (which
    // surfaces as unhandled rejections from the SDK).
    forgetProgramModules();
    const { loadSettings } = require(path.join(projectRoot, "components", "config"));
    loadSettings((name: string) => config.values[`${projectName}:${name}`], () => Object.keys(config.values));
    const resources: DeclaredResource[] = [];
    const secretValues = new Set<string>();
    const warnings: string[] = [];

    await pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            const secretPaths: string[] = [];
            const inputs = unwrapSecrets(args.inputs, "", secretPaths);
            const computed = computedState(args.type, args.name, inputs);
            if (args.type.startsWith("random:") || args.type === "keycloak:openid/client:Client") {
                collectStrings(computed, secretValues);
            }
            resources.push({ type: args.type, name: args.name, inputs, secretPaths });
            return { id: args.id || `${args.name}-id`, state: { ...inputs, ...computed } };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            // Data-source look-ups (Keycloak realm, groups by name) echo their inputs with an id.
            const key = args.inputs.realm ?? args.inputs.name ?? "lookup";
            return { ...args.inputs, id: `${args.token.split(":").pop()}-${key}` };
        },
    }, projectName, stack, false);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    for (const key of config.secretKeys) {
        secretValues.add(config.values[key]);
    }

    const originalWarn = pulumi.log.warn;
    (pulumi.log as any).warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    try {
        // The modules were forgotten above; the settings schema loaded by the
        // pre-validation is reused (config is read when loadSettings runs).
        const outputs = await pulumi.runtime.runInPulumiStack(async () => require(path.join(projectRoot, "index.ts")));
        // Resources whose inputs wait on other outputs register later; the
        // SDK's RPC queue drains only when every registration has been sent.
        await waitForRPCs();
        return { stack, resources, outputs: (outputs ?? {}) as Record<string, unknown>, warnings, secretValues };
    } finally {
        (pulumi.log as any).warn = originalWarn;
    }
}

/** Kubernetes objects only, as apiVersion/kind/metadata/... documents. */
export function kubernetesObjects(run: StackRun): any[] {
    return run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
}

/** Finds one Kubernetes object by kind and metadata.name; throws if absent. */
export function findObject(run: StackRun, kind: string, name: string): any {
    const match = kubernetesObjects(run).find((o) => o.kind === kind && o.metadata?.name === name);
    if (!match) {
        const names = kubernetesObjects(run).filter((o) => o.kind === kind).map((o) => o.metadata?.name);
        throw new Error(`${run.stack}: no ${kind} named ${name} (have: ${names.join(", ") || "none"})`);
    }
    return match;
}

export function objectsOfKind(run: StackRun, kind: string): any[] {
    return kubernetesObjects(run).filter((o) => o.kind === kind);
}
