/**
 * Anything written into a Deployment, Job or ConfigMap is stored in plain
 * text in the Pulumi state, the cluster and every rendered manifest.
 * Passwords, tokens and keys belong in Secrets and reach containers through
 * `valueFrom.secretKeyRef` or mounted files. lib/secretText.ts explains
 * exactly what counts as a literal secret, and why a script that merely
 * mentions $MONGO_PASSWORD does not. Messages never repeat the value.
 */
import { ConfigMap } from "@pulumi/kubernetes/core/v1";
import { validateResourceOfType } from "@pulumi/policy";
import { Container, containersOf, describeContainer } from "../lib/kubernetes";
import { describeObject, violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { argumentSecrets, configMapEntrySecrets, literalSecretInEnv } from "../lib/secretText";
import { validateWorkloads, WorkloadCheck } from "../lib/workloads";

const secretRefFix = "store the value in a Kubernetes Secret and reference it with env[].valueFrom.secretKeyRef or a mounted secret file; in scripts read it from that environment variable or file. For Rocket.Chat settings given through rocketchat-ha:rocketchatExtraEnv, write {name, secretKeyRef: {name, key}} instead of a value.";

/** Sentences naming each literal secret of one container, without the values. */
function containerFindings(container: Container): string[] {
    const findings: string[] = [];
    for (const env of container.env ?? []) {
        if (typeof env.value !== "string") {
            continue;
        }
        const found = literalSecretInEnv(env.name, env.value);
        if (found === "secret-name") {
            findings.push(`env ${env.name} has a literal value instead of valueFrom.secretKeyRef`);
        } else if (found === "credential-url") {
            findings.push(`env ${env.name} holds a URL with a literal password`);
        }
    }
    for (const field of ["command", "args"] as const) {
        for (const found of argumentSecrets(container[field] ?? [])) {
            findings.push(`${field} contains ${found.what}`);
        }
    }
    return findings;
}

const checkContainers: WorkloadCheck = (workload, report) => {
    for (const entry of containersOf(workload.template.spec)) {
        for (const finding of containerFindings(entry.container)) {
            report(violation(`${workload.title}, ${describeContainer(entry)}: ${finding}.`, secretRefFix));
        }
    }
};

const checkConfigMap = validateResourceOfType(ConfigMap, (configMap, _args, report) => {
    for (const [key, value] of Object.entries<unknown>(configMap.data ?? {})) {
        if (typeof value !== "string") {
            continue;
        }
        for (const found of configMapEntrySecrets(key, value)) {
            report(violation(`${describeObject("ConfigMap", configMap)} entry ${key} contains ${found.what}, readable by anyone who may read ConfigMaps.`, secretRefFix));
        }
    }
});

export const noLiteralSecrets: ResourceValidationPolicy = {
    name: "no-literal-secrets",
    description: "No password, secret, token or key is written literally into container env values, commands, arguments or ConfigMaps; values whose name ends in PASS, PASSWORD, SECRET, TOKEN or KEY come from Secret references.",
    validateResource: [validateWorkloads(checkContainers), checkConfigMap],
};
