/**
 * Extra Rocket.Chat environment (`rocketchatExtraEnv`): settings this program
 * does not model, as `{name, value}` or `{name, secretKeyRef: {name, key}}`.
 *
 * Two refusals keep the program's promises:
 * - A name the program sets itself, or the other spelling of the same
 *   Rocket.Chat setting, is refused. Rocket.Chat reads `<settingId>` as a
 *   setting's first value and `OVERWRITE_SETTING_<settingId>` as its enforced
 *   value (apps/meteor/app/settings/server/functions/overwriteSetting.ts), and
 *   Kubernetes keeps the last of two env entries with one name: an extra
 *   entry could silently switch the login form back on, point SSO elsewhere
 *   or change MONGO_URL. Every OAuth setting of the Keycloak service is
 *   reserved by prefix, including ones the program does not set today.
 * - A literal value that looks like a secret (the policy pack's own judgement,
 *   policy/lib/secretText.ts: a secret-named variable with a literal value, or
 *   a URL with a literal password) is refused: it would sit in the Deployment
 *   in clear text. Use secretKeyRef.
 */
import * as v from "valibot";
import { literalSecretInEnv } from "../../policy/lib/secretText";
import { dnsSubdomainProblem } from "../kubernetesMetadata";
import { EnvVar, oauthServiceName, rocketchatEnvironment } from "./environment";

const overwritePrefix = "OVERWRITE_SETTING_";

/** Every variable the program can set, whatever the settings: computed from rocketchatEnvironment with every feature on. */
function programVariables(): string[] {
    const names = rocketchatEnvironment({
        hostname: "chat.example.org",
        connectionSecretName: "connection",
        adminSecretName: "admin",
        sso: { serverUrl: "https://sso.example.org", realm: "r", clientId: "c", clientSecretRef: { name: "s", key: "k" }, buttonLabel: "b" },
        uploads: { storage: "FileSystem", maxFileSizeBytes: 1, mediaTypeWhitelist: [] },
        retention: { enabled: true, channelsDays: 1, groupsDays: 1, directDays: 1, filesOnly: false },
        licenseSecretName: "license",
        smtpSecretName: "smtp",
        metricsPort: 9458,
    }).map((env) => env.name as string);
    // HOME is added by the Deployment (the read-only root file system leaves /tmp).
    return [...names, "HOME"];
}

/** Names refused in rocketchatExtraEnv, both spellings of each Rocket.Chat setting. */
export const reservedEnvironmentNames: ReadonlySet<string> = new Set(programVariables().flatMap((name) =>
    name.startsWith(overwritePrefix) ? [name, name.slice(overwritePrefix.length)] : [name, `${overwritePrefix}${name}`]));

/** Prefixes of the Keycloak login's settings, in both forms Rocket.Chat reads. */
const reservedPrefixes = [`Accounts_OAuth_Custom_${oauthServiceName}`, `Accounts_OAuth_Custom-${oauthServiceName}`]
    .flatMap((prefix) => [prefix, `${overwritePrefix}${prefix}`]);

/** Why `name` may not be set by extra environment; undefined when it may. */
export function reservedNameProblem(name: string): string | undefined {
    if (reservedEnvironmentNames.has(name)) {
        return `a name the program does not set itself; ${name} is set from other settings (or is the other spelling of one it sets), and a second entry would silently override it`;
    }
    const prefix = reservedPrefixes.find((p) => name.startsWith(p));
    return prefix ? `a name outside ${prefix}*, the Keycloak login the program manages (ssoEnabled and the keycloak* settings); ${name} is not` : undefined;
}

const variableName = v.pipe(
    v.string("a variable name"),
    // apimachinery validation.go IsEnvVarName (envVarNameFmt); newer apiservers relax it only behind RelaxedEnvironmentVariableValidation.
    v.regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, "a variable name of letters, digits, '-', '.' and '_', not starting with a digit (Kubernetes IsEnvVarName)"),
);

const entrySchema = v.union([
    v.strictObject({ name: variableName, value: v.string("value as a string") }),
    v.strictObject({
        name: variableName,
        secretKeyRef: v.strictObject({
            name: v.pipe(v.string("a Secret name"), v.check((n) => dnsSubdomainProblem(n) === undefined, "secretKeyRef.name that is a DNS-1123 subdomain (a Secret name)")),
            key: v.pipe(v.string("a Secret key"), v.regex(/^[-._a-zA-Z0-9]{1,253}$/, "secretKeyRef.key of letters, digits, '-', '_' and '.' (a Secret data key)")),
        }, "secretKeyRef as {name, key}"),
    }),
], "entries as {name, value} or {name, secretKeyRef: {name, key}}");
export type ExtraEnvEntry = v.InferOutput<typeof entrySchema>;

/** One entry's problems beyond its shape: reserved names and literal secrets. */
export function extraEnvEntryProblem(entry: ExtraEnvEntry): string | undefined {
    const reserved = reservedNameProblem(entry.name);
    if (reserved) {
        return reserved;
    }
    if ("value" in entry) {
        const secret = literalSecretInEnv(entry.name, entry.value);
        if (secret) {
            return `no literal secrets: ${entry.name} holds ${secret === "secret-name" ? "a secret by its name" : "a URL with a password"}; give it as {name, secretKeyRef: {name, key}} from a Secret instead`;
        }
    }
    return undefined;
}

export const extraEnvSchema = v.pipe(
    v.array(entrySchema, "a list of {name, value} or {name, secretKeyRef: {name, key}}"),
    v.rawCheck<ExtraEnvEntry[]>(({ dataset, addIssue }) => {
        if (!dataset.typed) {
            return;
        }
        const seen = new Set<string>();
        dataset.value.forEach((entry, index) => {
            const problem = extraEnvEntryProblem(entry);
            if (problem) {
                addIssue({ message: `${problem} (entry ${index + 1})` });
            }
            if (seen.has(entry.name)) {
                addIssue({ message: `a list of distinct names; entry ${index + 1} repeats ${entry.name}` });
            }
            seen.add(entry.name);
        });
    }),
);

/** The entries as container env: literal values, or secretKeyRef from the named Secret. */
export function extraEnvVars(entries: readonly ExtraEnvEntry[]): EnvVar<never>[] {
    return entries.map((entry) => ("value" in entry
        ? { name: entry.name, value: entry.value }
        : { name: entry.name, valueFrom: { secretKeyRef: { name: entry.secretKeyRef.name, key: entry.secretKeyRef.key } } }));
}
