/**
 * The schema of every `rocketchat-ha:*` stack setting: its type and the rule
 * for a single value. Defaults live in one place only, the `config:` block of
 * Pulumi.yaml (the Pulumi CLI applies them; the test and render harnesses load
 * them from the same file). Rules that relate two settings live in
 * `crossChecks.ts`.
 */
import { z } from "zod";
import * as v from "./validators";
import { labelPair } from "./monitoring/labelPairs";

/** Adds a validator's sentence as a zod issue. */
function rule(check: (value: string) => string | undefined) {
    return (value: string, ctx: z.RefinementCtx) => {
        const allowed = check(value);
        if (allowed) {
            ctx.addIssue({ code: "custom", message: allowed });
        }
    };
}

const text = (check: (value: string) => string | undefined) => z.string().superRefine(rule(check));
const optionalText = (check: (value: string) => string | undefined) =>
    z.string().superRefine((value, ctx) => (value === "" ? undefined : rule(check)(value, ctx)));

/** Stack config arrives as strings: "true"/"false" for booleans. */
const flag = z.preprocess(
    (raw) => (raw === "true" ? true : raw === "false" ? false : raw),
    z.boolean({ error: "true or false" }),
);

/** Stack config arrives as strings: digits for integers. */
const wholeNumber = (min: number, max: number) =>
    z.preprocess(
        (raw) => (typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw),
        z.number({ error: `a whole number from ${min} to ${max}` }).int({ error: `a whole number from ${min} to ${max}` })
            .min(min, { error: `a whole number from ${min} to ${max}` })
            .max(max, { error: `a whole number from ${min} to ${max}` }),
    );

/** Arrays arrive as JSON text from the CLI. */
const list = <T extends z.ZodType>(item: T, allowed: string) =>
    z.preprocess((raw) => {
        if (typeof raw !== "string") {
            return raw;
        }
        try {
            return JSON.parse(raw);
        } catch {
            return raw;
        }
    }, z.array(item, { error: allowed }));

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `one of ${values.join(", ")}` });

/**
 * One declared channel. Names follow Rocket.Chat's default channel-name rule
 * (setting UTF8_Channel_Names_Validation, `[0-9a-zA-Z-_.]+`); the length cap is ours.
 */
const channelEntry = z.strictObject({
    name: z.string({ error: "a name" }).regex(/^[0-9A-Za-z._-]{1,64}$/, {
        error: "a name of 1 to 64 letters, digits, '-', '_' or '.' (Rocket.Chat's default channel-name rule: no spaces or '#')",
    }),
    topic: z.string({ error: "a topic string" }).max(250, { error: "a topic of at most 250 characters" }).optional(),
    private: z.boolean({ error: "private: true or false" }).optional(),
    default: z.boolean({ error: "default: true or false" }).optional(),
    readOnly: z.boolean({ error: "readOnly: true or false" }).optional(),
}, { error: "an object with name and optional topic, private, default, readOnly (no other keys)" });
export type ChannelDeclaration = z.infer<typeof channelEntry>;

/** Checks each entry with `channelEntry` and refuses duplicate names (Rocket.Chat compares them case-insensitively). */
const channelList = list(z.unknown(), "a list of channels such as [{name: general, topic: Company news, default: true}]")
    .superRefine((entries, ctx) => {
        const seen = new Set<string>();
        entries.forEach((entry, index) => {
            const parsed = channelEntry.safeParse(entry);
            const label = `entry ${index + 1} (${JSON.stringify(entry)})`;
            if (!parsed.success) {
                for (const issue of parsed.error.issues) {
                    ctx.addIssue({ code: "custom", message: `${issue.message}; ${label} is not` });
                }
                return;
            }
            const key = parsed.data.name.toLowerCase();
            if (seen.has(key)) {
                ctx.addIssue({ code: "custom", message: `a list of distinct channel names; ${label} repeats "${parsed.data.name}"` });
            }
            seen.add(key);
        });
    })
    .transform((entries) => entries as ChannelDeclaration[]);

const cpu = text(v.cpuQuantity);
const bytes = text(v.byteQuantity);
const storageClass = optionalText(v.dnsLabel);

export const settingsSchema = z.object({
    // Where and how the platform runs.
    namespace: text(v.dnsLabel),
    createNamespace: flag,
    platform: oneOf(["kubernetes", "openshift"] as const),
    hostname: text(v.hostname),
    clusterDomain: text(v.hostname),
    schedulableNodes: wholeNumber(1, 1000),
    podAntiAffinity: oneOf(["required", "preferred"] as const),
    fixedUids: flag,

    // MongoDB replica set.
    mongodbImage: text(v.pinnedImage),
    mongodbMembers: wholeNumber(1, 7),
    mongodbReplicaSetName: text(v.dnsLabel),
    mongodbDatabase: z.string().regex(/^[A-Za-z0-9_-]{1,38}$/, { error: "1 to 38 letters, digits, '_' or '-'" }),
    mongodbStorageClass: storageClass,
    mongodbStorageSize: bytes,
    mongodbCpuRequest: cpu,
    mongodbCpuLimit: cpu,
    mongodbMemoryRequest: bytes,
    mongodbMemoryLimit: bytes,

    // Rocket.Chat application.
    rocketchatImage: text(v.pinnedImage),
    rocketchatReplicas: wholeNumber(1, 100),
    rocketchatCpuRequest: cpu,
    rocketchatCpuLimit: cpu,
    rocketchatMemoryRequest: bytes,
    rocketchatMemoryLimit: bytes,
    adminUsername: z.string().regex(/^[A-Za-z0-9._-]{3,40}$/, { error: "3 to 40 letters, digits, '.', '_' or '-'" }),
    adminEmail: z.union([z.literal(""), z.email({ error: "an e-mail address, or empty for <adminUsername>@<hostname>" })]),
    licenseSecretName: optionalText(v.dnsLabel),
    smtpSecretName: optionalText(v.dnsLabel),

    // Autoscaling.
    autoscalingEnabled: flag,
    autoscalingMaxReplicas: wholeNumber(1, 100),
    autoscalingCpuPercent: wholeNumber(10, 100),

    // File uploads and message retention.
    uploadsStorage: oneOf(["FileSystem", "GridFS"] as const),
    uploadsAccessMode: oneOf(["ReadWriteMany", "ReadWriteOnce"] as const),
    uploadsStorageClass: storageClass,
    uploadsStorageSize: bytes,
    uploadsMaxFileSizeBytes: wholeNumber(-1, 2 ** 31 - 1),
    uploadsMediaTypeWhitelist: list(
        z.string().regex(/^[a-z]+\/([a-z0-9.+*-]+)$/, { error: "MIME types such as image/* or application/pdf" }),
        "a list of MIME types such as [\"image/*\", \"application/pdf\"]",
    ),
    retentionEnabled: flag,
    retentionMaxAgeChannelsDays: wholeNumber(1, 36500),
    retentionMaxAgeGroupsDays: wholeNumber(1, 36500),
    retentionMaxAgeDirectDays: wholeNumber(1, 36500),
    retentionFilesOnly: flag,

    // Ingress or OpenShift Route.
    ingressClassName: optionalText(v.dnsLabel),
    ingressAnnotations: list(
        z.string().superRefine((entry, ctx) => {
            const [key] = entry.split("=", 1);
            if (!entry.includes("=") || v.annotationKey(key)) {
                ctx.addIssue({ code: "custom", message: "entries of the form key=value with a valid annotation key" });
            }
        }),
        "a list of key=value annotations",
    ),
    tlsSecretName: optionalText(v.dnsLabel),
    ingressControllerNamespace: text(v.dnsLabel),

    // Keycloak single sign-on.
    ssoEnabled: flag,
    keycloakUrl: optionalText(v.httpsBaseUrl),
    keycloakBasePath: text(v.pathPrefix).or(z.literal("")),
    keycloakRealm: z.string().regex(/^([A-Za-z0-9._-]{1,64})?$/, { error: "a realm name of letters, digits, '.', '_' or '-'" }),
    keycloakClientId: text(v.dnsLabel),
    keycloakButtonLabel: z.string().min(1, { error: "a non-empty button text" }).max(60, { error: "at most 60 characters" }),
    keycloakGroups: list(z.string().min(1, { error: "non-empty group names" }), "a list of Keycloak group names"),

    // Backups, verification and restore.
    backupEnabled: flag,
    backupSchedule: text(v.cronSchedule),
    backupRetention: wholeNumber(1, 365),
    backupExistingClaim: optionalText(v.dnsLabel),
    backupStorageClass: storageClass,
    backupStorageSize: bytes,
    backupDeleteClaimOnDestroy: flag,
    backupVerifySchedule: text(v.cronSchedule),
    backupUploadsRetention: wholeNumber(1, 365),
    backupCpuRequest: cpu,
    backupCpuLimit: cpu,
    backupMemoryRequest: bytes,
    backupMemoryLimit: bytes,
    restoreArchive: z.string().regex(/^([A-Za-z0-9][A-Za-z0-9._-]{0,200}\.archive\.gz)?$/, {
        error: "empty, or the file name of an archive on the backup volume such as rocketchat-20261128T021500Z.archive.gz",
    }),
    restoreDropExisting: flag,

    // Channels reconciled through the REST API (issue 7).
    channels: channelList,
    channelsPrune: flag,

    // Metrics, alerts and the Grafana dashboard (issue 9).
    monitoringEnabled: flag,
    monitoringNamespace: text(v.dnsLabel),
    monitoringPrometheusOperator: flag,
    monitoringSelectorLabels: list(text(labelPair), "a list of key=value labels such as [\"release=kube-prometheus-stack\"]"),
    monitoringRocketchatPort: wholeNumber(1024, 65535),
    monitoringExporterImage: text(v.pinnedImage),
    monitoringReplicationLagSeconds: wholeNumber(1, 86400),
    monitoringNotReadyMinutes: wholeNumber(1, 1440),
    monitoringAutoscalerMaxedMinutes: wholeNumber(1, 1440),
    monitoringBackupGraceMinutes: wholeNumber(0, 10080),
    monitoringDashboardName: text(v.dnsLabel),
    monitoringDashboardLabel: text(labelPair),
    monitoringDashboardNamespace: optionalText(v.dnsLabel),
});

/**
 * Settings whose values are lists of objects. Pulumi config types cannot
 * describe those, so Pulumi.yaml declares them without a type (only a default)
 * and the schema above checks their shape.
 */
export const structuredSettings: readonly SettingName[] = ["channels"];

export type Settings = z.infer<typeof settingsSchema>;
export type SettingName = keyof Settings;
export const settingNames = Object.keys(settingsSchema.shape) as SettingName[];
