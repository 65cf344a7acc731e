/**
 * Extra Rocket.Chat environment (`rocketchatExtraEnv`): settings this program
 * does not model, as `{name, value}` or `{name, secretKeyRef: {name, key}}`.
 *
 * Each entry's own checks live here: its shape, no literal secrets (the policy
 * pack's own judgement, policy/lib/secretText.ts: a secret-named variable with
 * a literal value, or a URL with a literal password, would sit in the
 * Deployment in clear text; use secretKeyRef), and no value on the deny list
 * (deniedValues.ts: a debugger, unprotected uploads, TLS checks off).
 * Names the program sets itself depend on the other settings and are refused
 * by programOwned.ts, which reads them off the built container.
 */
import * as v from "valibot";
import { literalSecretInEnv } from "../../policy/lib/secretText";
import { deniedEnvironment } from "../deniedValues";
import { dnsSubdomainProblem } from "../kubernetesMetadata";
import type { EnvVar } from "./environment";

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

/** One entry's problems beyond its shape: literal secrets and denied values. */
export function extraEnvEntryProblem(entry: ExtraEnvEntry): string | undefined {
    if ("value" in entry) {
        const secret = literalSecretInEnv(entry.name, entry.value);
        if (secret) {
            return `no literal secrets: ${entry.name} holds ${secret === "secret-name" ? "a secret by its name" : "a URL with a password"}; give it as {name, secretKeyRef: {name, key}} from a Secret instead`;
        }
    }
    return deniedEnvironment(entry);
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
