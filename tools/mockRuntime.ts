/**
 * Runs the Pulumi program offline under the SDK's mock runtime and captures
 * every resource it declares, with the registration requests the SDK sends
 * (types, parents, aliases, dependencies). Used by `npm run render` and by
 * the program-level tests (test/render.test.ts, test/componentAliases.test.ts,
 * the program test per stack); component tests call the builders directly.
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
const { waitForRPCs, getMonitor } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void>; getMonitor: () => any };

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

/**
 * A resource registration as the SDK sent it to the engine (the monitor's
 * RegisterResourceRequest, pulumi/proto/resource.proto): what `pulumi up`
 * compares with the stack's state, options included.
 */
export interface Registration {
    readonly type: string;
    readonly name: string;
    /** The parent's URN; empty for the stack itself. */
    readonly parent: string;
    readonly custom: boolean;
    /** Structured aliases (Alias.Spec: name, type, parentUrn...; empty strings mean "unchanged") or alias URNs. */
    readonly aliases: readonly { readonly urn?: string; readonly spec?: { readonly name: string; readonly type: string; readonly parenturn?: string; readonly noparent?: boolean } }[];
    /** URNs of the explicit and implicit dependencies. */
    readonly dependencies: readonly string[];
    /** For each top-level input, the URNs its value came from (the engine's dependent replacement reads these). */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly retainOnDelete?: boolean;
    /** Protected: `pulumi destroy` refuses to delete it (unset when the program did not say). */
    readonly protect?: boolean;
    /** How long `pulumi up` waits for a create ("" when the provider's default applies). */
    readonly createTimeout: string;
    /** How long `pulumi up` waits for an update ("" when the provider's default applies). */
    readonly updateTimeout: string;
    /** Properties whose changes Pulumi ignores. */
    readonly ignoreChanges: readonly string[];
}

export interface StackRun {
    readonly stack: string;
    readonly resources: DeclaredResource[];
    /** Every registration request, in the order the SDK sent them. */
    readonly registrations: Registration[];
    readonly outputs: Record<string, unknown>;
    readonly warnings: string[];
    /** Every generated value (random results, Keycloak client secrets) and configured secret, for leak checks. */
    readonly secretValues: Set<string>;
    /** Data-source calls (Keycloak realm and group look-ups) with the id the mock answered. */
    readonly lookups: Lookup[];
    /** Mocked provider-computed outputs as "<resource name>.<output>" -> value (e.g. a client's clientSecret). */
    readonly computed: Map<string, string>;
}

export interface Lookup {
    /** Function token, e.g. keycloak:index/getRealm:getRealm. */
    readonly token: string;
    readonly inputs: any;
    readonly id: string;
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
export interface RunOptions {
    /**
     * The stack's outputs from a previous successful run, as the backend would
     * return them to the program's StackReference to itself (the upgrade guard
     * reads `deployment`). Defaults to none: a first install.
     */
    readonly previousOutputs?: Record<string, unknown>;
}

export async function runStack(stack: string, overrides: Record<string, unknown> = {}, options: RunOptions = {}): Promise<StackRun> {
    const config = loadStackConfig(stack, overrides);
    // index.ts validates before declaring anything; doing the same here first
    // reports a ConfigError without leaving the mock runtime half-run (which
    // surfaces as unhandled rejections from the SDK).
    forgetProgramModules();
    const { loadSettings } = require(path.join(projectRoot, "components", "config"));
    const settings = loadSettings((name: string) => config.values[`${projectName}:${name}`], () => Object.keys(config.values));
    const { checkKubernetesProviderConfig } = require(path.join(projectRoot, "components", "kubernetesProviderConfig"));
    checkKubernetesProviderConfig((key: string) => config.values[key]);
    // A first install's objects; with a previous run index.ts checks them after the upgrade guard, as it does outside the mocks.
    if (!options.previousOutputs) {
        const { checkObjectIdentity } = require(path.join(projectRoot, "components", "stack", "objectIdentity"));
        checkObjectIdentity(settings, `organization/${projectName}/${stack}`);
    }
    const resources: DeclaredResource[] = [];
    const secretValues = new Set<string>();
    const warnings: string[] = [];
    const lookups: Lookup[] = [];
    const computedOutputs = new Map<string, string>();

    await pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            const secretPaths: string[] = [];
            const inputs = unwrapSecrets(args.inputs, "", secretPaths);
            const computed = args.type === "pulumi:pulumi:StackReference"
                ? { outputs: options.previousOutputs ?? {}, secretOutputNames: [] }
                : computedState(args.type, args.name, inputs);
            if (args.type.startsWith("random:") || args.type === "keycloak:openid/client:Client") {
                collectStrings(computed, secretValues);
            }
            for (const [output, value] of Object.entries(computed)) {
                computedOutputs.set(`${args.name}.${output}`, String(value));
            }
            resources.push({ type: args.type, name: args.name, inputs, secretPaths });
            return { id: args.id || `${args.name}-id`, state: { ...inputs, ...computed } };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            // Data-source look-ups (Keycloak realm, groups by name) echo their inputs with an id.
            const key = args.inputs.realm ?? args.inputs.name ?? "lookup";
            const id = `${args.token.split(":").pop()}-${key}`;
            lookups.push({ token: args.token, inputs: args.inputs, id });
            return { ...args.inputs, id };
        },
    // "organization" is what a self-managed (DIY) backend reports as the organization.
    }, projectName, stack, false, "organization");
    const registrations: Registration[] = [];
    recordRegistrations(registrations);
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
        return { stack, resources, registrations, outputs: (outputs ?? {}) as Record<string, unknown>, warnings, secretValues, lookups, computed: computedOutputs };
    } catch (error) {
        // What was declared before the program failed (e.g. nothing after a refused upgrade).
        if (error && typeof error === "object") {
            (error as { declaredResources?: DeclaredResource[] }).declaredResources = [...resources];
        }
        throw error;
    } finally {
        (pulumi.log as any).warn = originalWarn;
    }
}

/** Records each RegisterResourceRequest the SDK sends to the (mock) monitor before the mock answers it. */
function recordRegistrations(into: Registration[]): void {
    const monitor = getMonitor();
    const answer = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: unknown) => {
        into.push({
            type: request.getType(),
            name: request.getName(),
            parent: request.getParent(),
            custom: request.getCustom(),
            aliases: request.getAliasesList().map((alias: any) => alias.toObject()),
            dependencies: request.getDependenciesList(),
            propertyDependencies: Object.fromEntries(request.getPropertydependenciesMap().getEntryList()
                .map(([key, deps]: [string, any]) => [key, deps[0] ?? []])),
            ...(request.getRetainondelete() !== undefined ? { retainOnDelete: request.getRetainondelete() } : {}),
            ...(request.getProtect() !== undefined ? { protect: request.getProtect() } : {}),
            createTimeout: request.getCustomtimeouts()?.getCreate() ?? "",
            updateTimeout: request.getCustomtimeouts()?.getUpdate() ?? "",
            ignoreChanges: request.getIgnorechangesList(),
        });
        return answer(request, callback);
    };
}

/** Kubernetes objects only, as apiVersion/kind/metadata/... documents. */
export { findObject, kubernetesObjects, objectsOfKind } from "./resourceList";
export type { ResourceList } from "./resourceList";
