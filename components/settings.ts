/**
 * The schema of every `rocketchat-ha:*` stack setting: its type and the rule
 * for a single value. Defaults live in one place only, the `config:` block of
 * Pulumi.yaml (the Pulumi CLI applies them; the test and render harnesses load
 * them from the same file). Rules that relate two settings live in
 * `crossChecks.ts`.
 *
 * Written with valibot: it builds and loads in a few milliseconds, which
 * matters to every offline render (zod took about 40 ms per run).
 */
import * as v from "valibot";
import { annotationPair, keyOfPair, labelPair } from "./keyValuePairs";
import { totalAnnotationSizeLimitBytes } from "./kubernetesMetadata";
import { mongodMemoryProblem } from "./mongodb/sizing";
import { podPlacementSchema, pullSecretName } from "./placementSettings";
import { extraEnvSchema } from "./rocketchat/extraEnvironment";
import * as rules from "./validators";

type Rule = (value: string) => string | undefined;

/** Adds a rule's sentence ("what is allowed") as the issue message. */
const obeys = (rule: Rule) =>
    v.rawCheck<string>(({ dataset, addIssue }) => {
        const allowed = dataset.typed ? rule(dataset.value) : undefined;
        if (allowed) {
            addIssue({ message: allowed });
        }
    });

const text = (rule: Rule) => v.pipe(v.string("a string"), obeys(rule));
const optionalText = (rule: Rule) => v.pipe(v.string("a string"), obeys((value) => (value === "" ? undefined : rule(value))));
const pattern = (shape: RegExp, allowed: string) => v.pipe(v.string(allowed), v.regex(shape, allowed));

/** Stack config arrives as strings: "true"/"false" for booleans. */
const flag = v.pipe(
    v.unknown(),
    v.transform((raw) => (raw === "true" ? true : raw === "false" ? false : raw)),
    v.boolean("true or false"),
);

/** Stack config arrives as strings: digits for integers. */
const wholeNumber = (min: number, max: number) => {
    const allowed = `a whole number from ${min} to ${max}`;
    return v.pipe(
        v.unknown(),
        v.transform((raw) => (typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw)),
        v.number(allowed),
        v.integer(allowed),
        v.minValue(min, allowed),
        v.maxValue(max, allowed),
    );
};

/**
 * Arrays arrive as JSON text from the CLI. Entries must be distinct by
 * `keyOf` (the entry itself by default): a repeated group would declare the
 * same Keycloak resource twice (a duplicate URN at `pulumi up`), a repeated
 * label or annotation key would silently keep only the last value.
 * Entries without a key (`undefined`, e.g. channel objects) are compared by
 * their own check.
 */
const fromJsonText = (raw: unknown): unknown => {
    if (typeof raw !== "string") {
        return raw;
    }
    try {
        return JSON.parse(raw) as unknown;
    } catch {
        return raw;
    }
};

const list = <T extends v.GenericSchema>(item: T, allowed: string, keyOf: (entry: v.InferOutput<T>) => string | undefined = (entry) => (typeof entry === "string" ? entry : undefined)) =>
    v.pipe(
        v.unknown(),
        v.transform(fromJsonText),
        v.array(item, allowed),
        v.rawCheck<v.InferOutput<T>[]>(({ dataset, addIssue }) => {
            if (!dataset.typed) {
                return;
            }
            const seen = new Set<string>();
            dataset.value.forEach((entry, index) => {
                const key = keyOf(entry);
                if (key === undefined) {
                    return;
                }
                if (seen.has(key)) {
                    addIssue({ message: `a list without repeats; entry ${index + 1} repeats ${JSON.stringify(key)}` });
                }
                seen.add(key);
            });
        }),
    );

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => v.picklist(values, `one of ${values.join(", ")}`);

/**
 * One declared channel. Names follow Rocket.Chat's default channel-name rule
 * (setting UTF8_Channel_Names_Validation, `[0-9a-zA-Z-_.]+`); the length cap is ours.
 */
const channelEntry = v.strictObject({
    name: pattern(/^[0-9A-Za-z._-]{1,64}$/,
        "a name of 1 to 64 letters, digits, '-', '_' or '.' (Rocket.Chat's default channel-name rule: no spaces or '#')"),
    topic: v.optional(v.pipe(v.string("a topic string"), v.maxLength(250, "a topic of at most 250 characters"))),
    private: v.optional(v.boolean("private: true or false")),
    default: v.optional(v.boolean("default: true or false")),
    readOnly: v.optional(v.boolean("readOnly: true or false")),
}, "an object with name and optional topic, private, default, readOnly (no other keys)");
export type ChannelDeclaration = v.InferOutput<typeof channelEntry>;

/** Checks each entry with `channelEntry` and refuses duplicate names (Rocket.Chat compares them case-insensitively). */
const channelList = v.pipe(
    list(v.unknown(), "a list of channels such as [{name: general, topic: Company news, default: true}]"),
    v.rawCheck<unknown[]>(({ dataset, addIssue }) => {
        if (!dataset.typed) {
            return;
        }
        const seen = new Set<string>();
        dataset.value.forEach((entry, index) => {
            const parsed = v.safeParse(channelEntry, entry);
            const label = `entry ${index + 1} (${JSON.stringify(entry)})`;
            if (!parsed.success) {
                for (const issue of parsed.issues) {
                    addIssue({ message: `${issue.message}; ${label} is not` });
                }
                return;
            }
            const key = parsed.output.name.toLowerCase();
            if (seen.has(key)) {
                addIssue({ message: `a list of distinct channel names; ${label} repeats "${parsed.output.name}"` });
            }
            seen.add(key);
        });
    }),
    v.transform((entries) => entries as ChannelDeclaration[]),
);

/**
 * A structured setting (an object or list of objects, JSON text from the
 * CLI) checked by `schema`; each problem says where in the value it is
 * ("at rocketchat.tolerations.0.operator"), since the message names only the setting.
 */
const structured = <T extends v.GenericSchema>(schema: T) =>
    v.pipe(
        v.unknown(),
        v.transform(fromJsonText),
        v.rawCheck(({ dataset, addIssue }) => {
            const parsed = v.safeParse(schema, dataset.value);
            for (const issue of parsed.issues ?? []) {
                const at = v.getDotPath(issue);
                addIssue({ message: at ? `${issue.message} at ${at}` : issue.message });
            }
        }),
        v.transform((value) => value as v.InferOutput<T>),
    );

const cpu = text(rules.cpuQuantity);
const bytes = text(rules.byteQuantity);
/** A container memory limit mongod runs under (sizing.ts). */
const mongodMemory = text((value) => rules.byteQuantity(value) ?? mongodMemoryProblem(value));
const storage = (minimum: string, why: string) => text(rules.byteQuantityOfAtLeast(minimum, why));

/** Ingress annotations: valid keys, none repeated, within the apiserver's 256 KiB per object. */
const annotationList = v.pipe(
    list(text(annotationPair), "a list of key=value annotations", keyOfPair),
    v.check((pairs) => pairs.reduce((total, pair) => total + Buffer.byteLength(pair) - 1, 0) <= totalAnnotationSizeLimitBytes,
        `annotations totalling at most ${totalAnnotationSizeLimitBytes / 1024} KiB (the apiserver's limit per object)`),
);
const storageClass = optionalText(rules.dnsLabel);

export const settingsSchema = v.object({
    // Where and how the platform runs.
    namespace: text(rules.dnsLabel),
    createNamespace: flag,
    platform: oneOf(["kubernetes", "openshift"] as const),
    hostname: text(rules.hostname),
    clusterDomain: text(rules.hostname),
    schedulableNodes: wholeNumber(1, 1000),
    podAntiAffinity: oneOf(["required", "preferred"] as const),
    topologyZones: wholeNumber(0, 64),
    fixedUids: flag,
    podPlacement: structured(podPlacementSchema),
    imagePullSecrets: list(text(pullSecretName), "a list of Secret names such as [\"registry-mirror\"]"),

    // MongoDB replica set.
    mongodbImage: text(rules.pinnedImage),
    mongodbMembers: wholeNumber(1, 7),
    mongodbReplicaSetName: text(rules.dnsLabel),
    mongodbAllowMemberRemoval: flag,
    mongodbDatabase: text(rules.applicationDatabase),
    mongodbStorageClass: storageClass,
    mongodbStorageSize: storage("5Gi", "before any data, mongod sets aside at least 990 MB for the oplog (its floor on small disks) and journal files of up to 100 MB each"),
    mongodbCpuRequest: cpu,
    mongodbCpuLimit: cpu,
    mongodbMemoryRequest: bytes,
    mongodbMemoryLimit: mongodMemory,

    // Rocket.Chat application.
    rocketchatImage: text(rules.pinnedImage),
    rocketchatReplicas: wholeNumber(1, 100),
    rocketchatCpuRequest: cpu,
    rocketchatCpuLimit: cpu,
    rocketchatMemoryRequest: bytes,
    rocketchatMemoryLimit: bytes,
    adminUsername: pattern(/^[A-Za-z0-9._-]{3,40}$/, "3 to 40 letters, digits, '.', '_' or '-'"),
    adminEmail: optionalText((value) => (v.is(v.pipe(v.string(), v.email()), value) ? undefined : "an e-mail address, or empty for <adminUsername>@<hostname>")),
    licenseSecretName: optionalText(rules.dnsLabel),
    smtpSecretName: optionalText(rules.dnsLabel),
    rocketchatExtraEnv: structured(extraEnvSchema),

    // Autoscaling.
    autoscalingEnabled: flag,
    autoscalingMaxReplicas: wholeNumber(1, 100),
    autoscalingCpuPercent: wholeNumber(10, 100),

    // File uploads and message retention.
    uploadsStorage: oneOf(["FileSystem", "GridFS"] as const),
    uploadsAccessMode: oneOf(["ReadWriteMany", "ReadWriteOnce"] as const),
    uploadsStorageClass: storageClass,
    uploadsStorageSize: storage("1Gi", "a smaller volume fills with the first few uploads"),
    uploadsMaxFileSizeBytes: wholeNumber(-1, 2 ** 31 - 1),
    uploadsMediaTypeWhitelist: list(
        pattern(/^[a-z]+\/([a-z0-9.+*-]+)$/, "MIME types such as image/* or application/pdf"),
        "a list of MIME types such as [\"image/*\", \"application/pdf\"]",
    ),
    retentionEnabled: flag,
    retentionMaxAgeChannelsDays: wholeNumber(1, 36500),
    retentionMaxAgeGroupsDays: wholeNumber(1, 36500),
    retentionMaxAgeDirectDays: wholeNumber(1, 36500),
    retentionFilesOnly: flag,

    // Ingress or OpenShift Route.
    ingressClassName: optionalText(rules.dnsLabel),
    ingressAnnotations: annotationList,
    tlsSecretName: optionalText(rules.dnsLabel),
    ingressControllerNamespace: text(rules.dnsLabel),

    // Keycloak single sign-on.
    ssoEnabled: flag,
    keycloakUrl: optionalText(rules.httpsBaseUrl),
    keycloakBasePath: text(rules.pathPrefix),
    keycloakRealm: pattern(/^(?!\.{1,2}$)([A-Za-z0-9._-]{1,64})?$/, "a realm name of letters, digits, '.', '_' or '-', other than '.' or '..' (it becomes a path segment of every endpoint)"),
    keycloakClientId: text(rules.dnsLabel),
    keycloakButtonLabel: v.pipe(v.string("a button text"), v.minLength(1, "a non-empty button text"), v.maxLength(60, "at most 60 characters")),
    keycloakGroups: list(v.pipe(v.string("group names"), v.minLength(1, "non-empty group names")), "a list of Keycloak group names"),

    // Backups, verification and restore.
    backupEnabled: flag,
    backupSchedule: text(rules.cronSchedule),
    backupRetention: wholeNumber(1, 365),
    backupExistingClaim: optionalText(rules.dnsLabel),
    backupStorageClass: storageClass,
    backupStorageSize: storage("1Gi", "it holds several compressed dumps plus the uploads copies"),
    backupDeleteClaimOnDestroy: flag,
    backupVerifySchedule: text(rules.cronSchedule),
    backupScratchStorageClass: storageClass,
    backupSuspectBelowPercent: wholeNumber(0, 99),
    backupUploadsRetention: wholeNumber(1, 365),
    backupCpuRequest: cpu,
    backupCpuLimit: cpu,
    backupMemoryRequest: bytes,
    backupMemoryLimit: mongodMemory,
    restoreArchive: pattern(/^((pre-upgrade\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.archive\.gz)?$/,
        "empty, or the file name of an archive on the backup volume such as rocketchat-20261128T021500Z.archive.gz (pre-upgrade/<name> for one taken before an upgrade)"),
    restoreDropExisting: flag,
    restoreAllowUnchecksummedArchive: flag,

    // Channels reconciled through the REST API (issue 7).
    channels: channelList,
    channelsPrune: flag,

    // Metrics, alerts and the Grafana dashboard (issue 9).
    monitoringEnabled: flag,
    monitoringNamespace: text(rules.dnsLabel),
    monitoringPrometheusOperator: flag,
    monitoringSelectorLabels: list(text(labelPair), "a list of key=value labels such as [\"release=kube-prometheus-stack\"]", keyOfPair),
    monitoringRocketchatPort: wholeNumber(1024, 65535),
    monitoringExporterImage: text(rules.pinnedImage),
    monitoringReplicationLagSeconds: wholeNumber(1, 86400),
    monitoringNotReadyMinutes: wholeNumber(1, 1440),
    monitoringAutoscalerMaxedMinutes: wholeNumber(1, 1440),
    monitoringBackupGraceMinutes: wholeNumber(0, 10080),
    monitoringDashboardName: text(rules.dnsLabel),
    monitoringDashboardLabel: text(labelPair),
    monitoringDashboardNamespace: optionalText(rules.dnsLabel),
});

/**
 * Settings whose values are lists of objects. Pulumi config types cannot
 * describe those, so Pulumi.yaml declares them without a type (only a default)
 * and the schema above checks their shape.
 */
export const structuredSettings: readonly SettingName[] = ["channels", "podPlacement", "rocketchatExtraEnv"];

export type Settings = v.InferOutput<typeof settingsSchema>;

/** The most Rocket.Chat pods the stack may run: the autoscaler's maximum when it scales. */
export function mostRocketchatPods(s: Pick<Settings, "autoscalingEnabled" | "rocketchatReplicas" | "autoscalingMaxReplicas">): number {
    return s.autoscalingEnabled ? Math.max(s.rocketchatReplicas, s.autoscalingMaxReplicas) : s.rocketchatReplicas;
}
export type SettingName = keyof Settings;
export const settingNames = Object.keys(settingsSchema.entries) as SettingName[];
