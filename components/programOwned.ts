/**
 * One rule for "the program owns this": what the program sets itself may not
 * be set again, or undone, by the settings that pass extra values through
 * (rocketchatExtraEnv, ingressAnnotations, podPlacement's podLabels and
 * podAnnotations). A second env entry of one name wins over the first
 * (Kubernetes keeps the last), an extra annotation replaces the program's
 * value, an extra pod label can move a pod out of its selector or through
 * the database's NetworkPolicy.
 *
 * The owned names are read off what the builders build for these very
 * settings (the Rocket.Chat container's environment, the Ingress's
 * annotations and class), so a variable or annotation added to a builder is
 * owned without a list to update. Only what no builder output shows is
 * written here: the other spelling of each Rocket.Chat setting, the setting
 * Rocket.Chat derives from ROOT_URL, the Keycloak login's settings, the
 * provider's annotations and the pod metadata prefixes (test/programOwned.test.ts
 * holds every pod template the stack builds to them).
 * Values no stack may give at all are deniedValues.ts.
 */
import type { CrossCheck, SettingProblem } from "./crossChecks";
import { keyOfPair } from "./keyValuePairs";
import { placedWorkloads } from "./placementSettings";
import { oauthServiceName } from "./rocketchat/environment";
import { rocketchatObjects } from "./rocketchat/rocketchatObjects";
import { rocketchatArgsFromSettings } from "./rocketchat/settingsArgs";
import { bothSpellings } from "./rocketchat/settingVariables";
import { DefaultedSettingName, settingDefault, settingNames, Settings } from "./settings";
import { settingsReadBy } from "./settingsRead";

/** Owned names as name -> why the program owns it (a clause a message can end with). */
type Owned = ReadonlyMap<string, string>;

export interface ProgramOwned {
    /** Rocket.Chat container variables, both spellings of each setting. */
    readonly variables: Owned;
    /** Ingress annotation keys; none on OpenShift, where ingressAnnotations do not apply. */
    readonly annotations: Owned;
}

/** What is owned does not depend on the instance's name or on Secret names (their values are never shown). */
const placeholder = "owned";

/** The Rocket.Chat objects these settings build, without the extras being judged. */
function builtWithoutExtras(s: Settings) {
    const args = rocketchatArgsFromSettings<string>(s, {
        connectionSecretName: placeholder,
        adminSecretName: placeholder,
        mongodbClientLabels: {},
        // The client id is the setting's (the provider echoes it back), and it is shown in messages.
        sso: s.ssoEnabled ? { clientId: s.keycloakClientId, clientSecretName: placeholder } : undefined,
    });
    return rocketchatObjects(placeholder, { ...args, extraEnv: [], exposure: { ...args.exposure, ingressAnnotations: [] } }, placeholder);
}

const shown = (value: string | undefined) => (value === undefined ? "" : ` (to ${JSON.stringify(value)})`);

/**
 * Settings Rocket.Chat seeds from a variable the program sets, under another
 * name. Site_Url starts as ROOT_URL (apps/meteor/server/settings/general.ts)
 * and rewrites the root URL every absolute URL is built from
 * (apps/meteor/server/configuration/configureBoilerplate.ts), the OAuth
 * redirect URI /_oauth/keycloak included, which Keycloak then refuses.
 */
const seededSettings: Readonly<Record<string, readonly string[]>> = { ROOT_URL: ["Site_Url"] };

/** The Keycloak login's settings, in both forms Rocket.Chat reads, owned whether SSO is on or off (ssoEnabled decides). */
const keycloakPrefixes = [`Accounts_OAuth_Custom_${oauthServiceName}`, `Accounts_OAuth_Custom-${oauthServiceName}`].flatMap(bothSpellings);

function ownedVariables(env: readonly { name: string; value?: string }[]): Owned {
    const owned = new Map<string, string>();
    const set = (name: string, why: string) => owned.has(name) || owned.set(name, why);
    // The program's own names first: a twin never hides the plainer reason.
    for (const e of env) {
        set(e.name, `${e.name} is set by the program${shown(e.value)}, and of two entries with one name Kubernetes keeps the last: yours would silently override it`);
    }
    for (const e of env) {
        for (const twin of bothSpellings(e.name).filter((name) => name !== e.name)) {
            set(twin, `${twin} is the other spelling of ${e.name}, which the program sets${shown(e.value)}: Rocket.Chat reads both as one setting, so yours would contradict it`);
        }
        for (const seeded of (seededSettings[e.name] ?? []).flatMap(bothSpellings)) {
            set(seeded, `${seeded} is the setting Rocket.Chat seeds from ${e.name}, which the program sets${shown(e.value)}: ` +
                "Rocket.Chat rewrites its root URL from it (server/configuration/configureBoilerplate.ts), moving the OAuth redirect URI away from the one Keycloak allows");
        }
    }
    return owned;
}

/**
 * Annotation keys pulumi-kubernetes reads as instructions to itself
 * (pkg/metadata/annotations.go, `AnnotationPrefix = "pulumi.com/"`: skipAwait,
 * waitFor, timeoutSeconds, replaceUnready, patchForce, ...): they would change
 * what `pulumi up` waits for, or how the Ingress is replaced and deleted,
 * behind ingressAwaitLoadBalancer's back.
 */
export const providerAnnotationPrefix = "pulumi.com/";

/** The deprecated class annotation (networking.k8s.io/v1, IngressClass docs). */
const ingressClassAnnotation = "kubernetes.io/ingress.class";

function ownedAnnotations(exposure: ReturnType<typeof builtWithoutExtras>["exposure"]): Owned {
    if (exposure.kind !== "Ingress") {
        return new Map();
    }
    const owned = new Map(Object.entries(exposure.metadata?.annotations ?? {})
        .map(([key, value]) => [key, `the program sets ${key}${shown(value)} on the Ingress, and yours would replace it. Remove the entry`]));
    const className = exposure.spec?.ingressClassName;
    if (className) {
        // k8s pkg/apis/networking/validation ValidateIngressCreate.
        owned.set(ingressClassAnnotation, `the program sets the Ingress's class from ingressClassName (${JSON.stringify(className)}), and the apiserver refuses ` +
            "an Ingress with both (\"can not be set when the class field is also set\"). Leave the class to ingressClassName");
    }
    return owned;
}

/** What the program owns for settings `s`. */
export function programOwned(s: Settings): ProgramOwned {
    const built = builtWithoutExtras(s);
    return {
        variables: ownedVariables(built.deployment.spec!.template.spec!.containers[0].env as { name: string; value?: string }[]),
        annotations: ownedAnnotations(built.exposure),
    };
}

/** Why `name` is the program's to set; undefined when extra environment may set it. */
export function ownedVariable(owned: ProgramOwned, name: string): string | undefined {
    const prefix = keycloakPrefixes.find((p) => name.startsWith(p));
    return owned.variables.get(name)
        ?? (prefix ? `${name} is under ${prefix}*, the Keycloak login the program manages (ssoEnabled and the keycloak* settings)` : undefined);
}

/** Why annotation `key` is the program's to set; undefined when ingressAnnotations may set it. */
export function ownedAnnotation(owned: ProgramOwned, key: string): string | undefined {
    if (key.startsWith(providerAnnotationPrefix)) {
        return `${key} is under ${providerAnnotationPrefix}, which the Pulumi Kubernetes provider reads as instructions; ` +
            "skip the Ingress await with ingressAwaitLoadBalancer: false instead";
    }
    return owned.annotations.get(key);
}

/**
 * Pod label and annotation prefixes the program sets on every pod: selectors,
 * the MongoDB NetworkPolicy (rocketchat-ha.io/mongodb-client) and the config
 * checksum rely on them.
 */
export const ownedPodMetadataPrefixes = ["app.kubernetes.io/", "rocketchat-ha.io/"];

const ownedPodMetadataPrefix = (key: string) => ownedPodMetadataPrefixes.find((prefix) => key.startsWith(prefix));

/** rocketchatExtraEnv entries and ingressAnnotations the program owns, one problem per entry. */
function extrasProblems(s: Settings): SettingProblem[] {
    const owned = programOwned(s);
    const variables = s.rocketchatExtraEnv.flatMap((entry, index) => {
        const why = ownedVariable(owned, entry.name);
        return why ? [{ setting: "rocketchatExtraEnv" as const, value: entry, allowed: `a name the program does not set itself; entry ${index + 1}: ${why}. Remove the entry` }] : [];
    });
    const annotations = s.ingressAnnotations.flatMap((pair, index) => {
        const why = ownedAnnotation(owned, keyOfPair(pair));
        return why ? [{ setting: "ingressAnnotations" as const, value: pair, allowed: `an annotation the program does not set itself; entry ${index + 1}: ${why}` }] : [];
    });
    return [...variables, ...annotations];
}

/** podLabels and podAnnotations under the program's prefixes, in any workload's entry. */
function podMetadataProblems(s: Settings): SettingProblem[] {
    return (["all", ...placedWorkloads] as const).flatMap((workload) => (["podLabels", "podAnnotations"] as const).flatMap((field) =>
        Object.entries(s.podPlacement[workload]?.[field] ?? {}).flatMap(([key, value]) => {
            const prefix = ownedPodMetadataPrefix(key);
            return prefix
                ? [{
                    setting: "podPlacement" as const,
                    value: { [workload]: { [field]: { [key]: value } } },
                    allowed: `${field} outside the program's own prefix ${prefix} (selectors and the MongoDB NetworkPolicy rely on it); ${JSON.stringify(key)} at ${workload}.${field} is not`,
                }]
                : [];
        })));
}

/** Every setting on, so that recording what the builder reads takes every branch (settingsRead.ts). */
function everyFeatureOn(): Settings {
    const defaults = Object.fromEntries(settingNames.filter((name) => name !== "namespace" && name !== "hostname")
        .map((name) => [name, settingDefault(name as DefaultedSettingName)]));
    return {
        ...defaults, namespace: "chat", hostname: "chat.example.org",
        ssoEnabled: true, keycloakUrl: "https://sso.example.org", keycloakRealm: "staff",
        autoscalingEnabled: true, monitoringEnabled: true, retentionEnabled: true,
        licenseSecretName: "license", smtpSecretName: "smtp", ingressClassName: "nginx",
    } as Settings;
}

/** The settings the Rocket.Chat builder reads: the extras check runs only when all are valid. */
export const ownedExtrasReads = settingsReadBy(builtWithoutExtras, everyFeatureOn());

/** What the builder reads for `s`: test/programOwned.test.ts holds ownedExtrasReads to every stack with it. */
export const readsOfOwnedExtras = (s: Settings) => settingsReadBy(builtWithoutExtras, s);

export const programOwnedChecks: CrossCheck[] = [
    { reads: ownedExtrasReads, run: extrasProblems },
    { reads: ["podPlacement"], run: podMetadataProblems },
];
