/**
 * Anything written into a Deployment, Job or ConfigMap is stored in plain
 * text in the Pulumi state, the cluster and every rendered manifest.
 * Passwords, tokens and keys belong in Secrets and reach containers through
 * `valueFrom.secretKeyRef` or mounted files. lib/secretText.ts explains
 * exactly what counts as a literal secret, and why a script that merely
 * mentions $MONGO_PASSWORD does not. Messages never repeat the value.
 */
import { containersOf, describeContainer, kubernetesKind } from "../lib/kubernetes";
import { describeObject, violation } from "../lib/message";
import { KubeObject, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "../lib/policyTypes";
import { argumentSecrets, configMapEntrySecrets, literalSecretInEnv } from "../lib/secretText";
import { validateWorkloads, WorkloadCheck } from "../lib/workloads";

const secretRefFix = "store the value in a Kubernetes Secret (components/credentials.ts) and reference it with env[].valueFrom.secretKeyRef or a mounted secret file; in scripts read it from that environment variable or file.";

/** Sentences naming each literal secret of one container, without the values. */
function containerFindings(container: KubeObject): string[] {
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
    for (const field of ["command", "args"]) {
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

function checkConfigMap(args: ResourceValidationArgs, report: ReportViolation): void {
    if (kubernetesKind(args.type) !== "ConfigMap") {
        return;
    }
    for (const [key, value] of Object.entries<unknown>(args.props.data ?? {})) {
        if (typeof value !== "string") {
            continue;
        }
        for (const found of configMapEntrySecrets(key, value)) {
            report(violation(`${describeObject("ConfigMap", args.props)} entry ${key} contains ${found.what}, readable by anyone who may read ConfigMaps.`, secretRefFix));
        }
    }
}

export const noLiteralSecrets: ResourceValidationPolicy = {
    name: "no-literal-secrets",
    description: "No password, secret, token or key is written literally into container env values, commands, arguments or ConfigMaps; values whose name ends in PASS, PASSWORD, SECRET, TOKEN or KEY come from Secret references.",
    validateResource: [validateWorkloads(checkContainers), checkConfigMap],
};
