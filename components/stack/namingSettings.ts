/**
 * The settings that name Kubernetes objects, and what the stack does with
 * what they name. objectIdentity.ts checks every entry the same way:
 * - declares: the stack creates an object under that name, which no other
 *   object of the stack may have;
 * - reads: pods read keys from it; it is the user's (external), or the
 *   stack's own only if that has every key read from it (keyReferences.ts);
 * - external: something else writes it or mounts it read-write, so it must
 *   not be an object the stack owns (`why` says what would happen).
 * A setting that names an object is added here, not given a check of its own.
 */
import { dashboardNamespace } from "../monitoring/monitoringObjects";
import { Settings, SettingName } from "../settings";

/** One object a setting names, and the value to quote back (the setting's, or the list entry that names it). */
export interface NamedObject {
    readonly namespace: string;
    readonly name: string;
    readonly value: unknown;
}

export interface NamingSetting {
    readonly setting: SettingName;
    readonly kind: "Secret" | "ConfigMap" | "PersistentVolumeClaim";
    readonly use: { readonly declares: true } | { readonly reads: true } | { readonly external: string };
    /** The objects the setting names under the stack's settings; none when empty. */
    readonly named: (s: Settings) => NamedObject[];
}

/** A setting holding one name, in the stack's namespace; empty names nothing. */
const oneName = (setting: SettingName) => (s: Settings): NamedObject[] => {
    const name = s[setting] as string;
    return name === "" ? [] : [{ namespace: s.namespace, name, value: name }];
};

export const namingSettings: readonly NamingSetting[] = [
    {
        setting: "monitoringDashboardName",
        kind: "ConfigMap",
        use: { declares: true },
        named: (s) => [{ namespace: dashboardNamespace(s), name: s.monitoringDashboardName, value: s.monitoringDashboardName }],
    },
    { setting: "licenseSecretName", kind: "Secret", use: { reads: true }, named: oneName("licenseSecretName") },
    { setting: "smtpSecretName", kind: "Secret", use: { reads: true }, named: oneName("smtpSecretName") },
    {
        setting: "rocketchatExtraEnv",
        kind: "Secret",
        use: { reads: true },
        named: (s) => s.rocketchatExtraEnv.flatMap((entry) => ("secretKeyRef" in entry ? [{ namespace: s.namespace, name: entry.secretKeyRef.name, value: entry }] : [])),
    },
    {
        setting: "tlsSecretName",
        kind: "Secret",
        use: { external: "the Ingress controller serves the certificate in its tls.crt and tls.key, which cert-manager (or whoever issues it) writes: it would overwrite the stack's Secret, or find no certificate there" },
        named: oneName("tlsSecretName"),
    },
    {
        setting: "imagePullSecrets",
        kind: "Secret",
        use: { external: "the kubelet pulls with a kubernetes.io/dockerconfigjson Secret, which the stack never declares" },
        named: (s) => s.imagePullSecrets.map((name) => ({ namespace: s.namespace, name, value: name })),
    },
    {
        setting: "backupExistingClaim",
        kind: "PersistentVolumeClaim",
        use: { external: "the backup, verification and restore pods mount it read-write and write and prune archives on it: a claim of the stack is live data (a MongoDB member's or the uploads) that the backups would share" },
        named: oneName("backupExistingClaim"),
    },
];
