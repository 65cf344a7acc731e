/**
 * Edge values for every setting that reaches a field the kube-apiserver
 * validates, for the agreement scenario (settings.e2e.ts): valid edges the
 * program must accept and the apiserver take, and invalid values the program
 * must refuse before the apiserver would. At least five per setting.
 *
 * `marker` is a valid value the scenario renders once so it can find where
 * the setting lands in the objects; a value the program refuses is put there
 * in its place (the program will not render it) and dry-run, so the
 * apiserver's own verdict on every value is known.
 */

/** How a value replaces the marker in the rendered objects. */
export type Placement =
    /** The marker's text, wherever it occurs (whole strings or inside them). */
    | { readonly kind: "text"; readonly marker: string }
    /** A list of key=value entries that become map entries (labels, annotations): the marker's key is replaced by the value's pairs. */
    | { readonly kind: "pairs"; readonly marker: string }
    /** A number: fields equal to the marker (or a named field) take the value. */
    | { readonly kind: "number"; readonly marker: number };

export interface SettingCorpus {
    readonly setting: string;
    readonly placement: Placement;
    /** Other settings to hold for every value (to keep the stack's cross-checks satisfied). */
    readonly with?: Record<string, unknown>;
    /** Each value with why it is an edge. */
    readonly values: readonly (readonly [value: unknown, why: string])[];
}

const long = (n: number, c = "a") => c.repeat(n);
const text = (marker: string): Placement => ({ kind: "text", marker });
const pairs: Placement = { kind: "pairs", marker: "e2e.example.org/markerkey=markervalue" };

const dnsLabelEdges = (valid: string): SettingCorpus["values"] => [
    [valid, "typical"],
    [long(63), "63 characters, the longest DNS-1123 label"],
    [long(64), "64 characters"],
    ["Upper", "upper case"],
    ["under_score", "underscore"],
    ["-dash", "leading dash"],
    ["dotted.name", "a dot: a DNS subdomain, not a label"],
];

const cpuEdges = (valid: string): SettingCorpus["values"] => [
    [valid, "typical"], ["0.5", "decimal cores"], ["1", "whole core"], ["two", "not a quantity"], ["-1", "negative"], ["1 cpu", "unit text"], ["1e3m", "exponent form"],
];

const sizeEdges = (minimum: string): SettingCorpus["values"] => [
    [minimum, "the program's minimum"], ["1Ti", "large binary"], ["600G", "decimal suffix"], ["10GB", "not a Kubernetes suffix"],
    ["0", "zero"], ["-5Gi", "negative"], ["1Mi", "below the program's minimum"], ["5.5.5Gi", "malformed"],
];

const cronEdges: SettingCorpus["values"] = [
    ["15 2 * * *", "typical"], ["@midnight", "descriptor (cron-parser 5.4 does not read it; Kubernetes does)"],
    ["0 0 1 jan-dec mon-fri", "names and ranges"], ["*/5 * * * ?", "step and '?'"], ["0 0,12 1-31/2 * *", "list and ranged step"],
    ["0 0 L * *", "Quartz L"], ["0 2 * * 1#2", "Quartz #"], ["H 2 * * *", "Jenkins H"], ["0 0 * * 7", "day of week 7"],
    ["0 0 2 * * *", "six fields (seconds)"], ["CRON_TZ=UTC 0 2 * * *", "time zone in the schedule"], ["@reboot", "unknown descriptor"],
    ["@every 1h", "robfig extension (refused by the program only)"],
];

const imageEdges = (valid: string, digestRepo: string): SettingCorpus["values"] => [
    [valid, "exact tag"], [`${digestRepo}@sha256:${long(64, "a")}`, "digest"], [` ${valid}`, "leading space"], [`${valid} `, "trailing space"],
    ["", "empty"], [`${valid.replace(/\.\d+$/, "")}`, "floating major.minor"], [`${digestRepo}:latest`, "latest"],
];

const pairEdges = (valid: string): SettingCorpus["values"] => [
    [[valid], "typical"], [["app.kubernetes.io/part-of=monitoring"], "prefixed key"], [["release="], "empty value"],
    [["Example.com/release=x"], "upper-case prefix"], [["release=-x"], "value starting with '-'"], [[`release=${long(64)}`], "64-character value"],
    [["a/b/c=1"], "two slashes"], [["/release=x"], "empty prefix"], [["release=a", "release=b"], "repeated key"],
];

export const settingsCorpus: readonly SettingCorpus[] = [
    { setting: "namespace", placement: text("e2emarkerns"), values: dnsLabelEdges("chat-oracle") },
    {
        setting: "hostname", placement: text("marker-e2e.example.org"),
        values: [["chat.example.org", "typical"], ["a.b", "shortest"], [`${long(63)}.example.org`, "63-character label"], ["Chat.example.org", "upper case"],
            ["chat_x.example.org", "underscore"], ["chat..example.org", "empty label"], ["*.example.org", "wildcard"], ["chat.example.org:443", "port"]],
    },
    { setting: "mongodbStorageClass", placement: text("e2emarkersc"), values: [["", "cluster default"], ...dnsLabelEdges("fast-ssd")] },
    { setting: "uploadsStorageClass", placement: text("e2emarkersc"), values: dnsLabelEdges("nfs-rwx") },
    { setting: "backupStorageClass", placement: text("e2emarkersc"), values: dnsLabelEdges("standard") },
    { setting: "mongodbStorageSize", placement: text("7777Gi"), values: sizeEdges("5Gi") },
    { setting: "uploadsStorageSize", placement: text("7777Gi"), values: sizeEdges("1Gi") },
    { setting: "backupStorageSize", placement: text("7777Gi"), values: sizeEdges("1Gi") },
    { setting: "mongodbCpuRequest", placement: text("777m"), values: cpuEdges("250m") },
    { setting: "rocketchatCpuLimit", placement: text("1777m"), values: [["2", "typical"], ["1500m", "millicores"], ["100", "many cores"], ["abc", "not a quantity"], ["-2", "negative"], ["250m", "below the request (500m)"]] },
    {
        setting: "mongodbMemoryLimit", placement: text("7777Mi"), with: { mongodbMemoryRequest: "1Gi" },
        values: [["1Gi", "the minimum"], ["4096Mi", "typical"], ["20001Gi", "largest cache mongod takes"], ["4GB", "not a Kubernetes suffix"],
            ["-4Gi", "negative"], ["512Mi", "below the request (1Gi)"], ["20002Gi", "cache above mongod's 10000 GB"]],
    },
    { setting: "rocketchatMemoryRequest", placement: text("777Mi"), values: [["512Mi", "typical"], ["1Gi", "binary"], ["1e9", "exponent"], ["1.5Gi", "fraction"], ["lots", "not a quantity"], ["-1Gi", "negative"], ["3Gi", "above the limit (2Gi)"]] },
    { setting: "backupMemoryLimit", placement: text("7777Mi"), values: [["1Gi", "the minimum"], ["2Gi", "typical"], ["64Mi", "too small for the verification mongod"], ["1 Gi", "space"], ["-1", "negative"]] },
    { setting: "mongodbMembers", placement: { kind: "number", marker: 3 }, with: { schedulableNodes: 7 }, values: [[1, "one member"], [3, "typical"], [7, "largest"], [-1, "negative"], [4, "even"], [0, "none"], ["3.5", "fraction"]] },
    { setting: "autoscalingMaxReplicas", placement: { kind: "number", marker: 5 }, values: [[3, "equal to the minimum"], [5, "typical"], [4, "between"], [-1, "negative"], [0, "zero"], [2, "below minReplicas (3)"]] },
    { setting: "autoscalingCpuPercent", placement: { kind: "number", marker: 80 }, values: [[80, "typical"], [10, "lowest"], [100, "highest"], [0, "zero"], [-5, "negative"], [101, "above 100"]] },
    { setting: "mongodbImage", placement: text("mongo:8.0.77"), values: imageEdges("mongo:8.0.29", "mongo") },
    { setting: "rocketchatImage", placement: text("registry.rocket.chat/rocketchat/rocket.chat:8.5.77"), values: imageEdges("registry.rocket.chat/rocketchat/rocket.chat:8.5.1", "registry.rocket.chat/rocketchat/rocket.chat") },
    { setting: "monitoringExporterImage", placement: text("percona/mongodb_exporter:0.47.77"), values: imageEdges("percona/mongodb_exporter:0.47.1", "percona/mongodb_exporter") },
    {
        setting: "uploadsAccessMode", placement: text("ReadWriteMany"),
        values: [["ReadWriteMany", "required for shared uploads"], ["ReadWriteOnce", "valid mode, Multi-Attach with several pods"], ["ReadOnlyMany", "valid mode, not writable"],
            ["ReadWriteOncePod", "valid mode, one pod only"], ["readwritemany", "wrong case"], ["RWX", "abbreviation"]],
    },
    { setting: "ingressClassName", placement: text("e2emarkeric"), values: [["", "cluster default"], ...dnsLabelEdges("nginx")] },
    {
        setting: "ingressAnnotations", placement: pairs,
        values: [[["cert-manager.io/cluster-issuer=letsencrypt"], "typical"], [["Example.COM/Proxy-Body-Size=64m"], "upper case (annotation keys are compared lowercased)"],
            [["nginx.ingress.kubernetes.io/configuration-snippet=a=b"], "'=' in the value"], [["example.com/a/b=x"], "two slashes"], [["/x=1"], "empty prefix"],
            [["example_com/x=1"], "underscore in the prefix"], [[`example.com/${long(64, "n")}=1`], "64-character name"], [["a=1", "a=2"], "repeated key"]],
    },
    { setting: "tlsSecretName", placement: text("e2emarkertls"), values: [["", "no TLS secret"], ...dnsLabelEdges("rocketchat-tls")] },
    { setting: "ingressControllerNamespace", placement: text("e2emarkerctl"), values: dnsLabelEdges("ingress-nginx") },
    { setting: "licenseSecretName", placement: text("e2emarkerlic"), values: [["", "no licence"], ...dnsLabelEdges("rocketchat-license")] },
    { setting: "backupSchedule", placement: text("7 7 7 7 *"), values: cronEdges },
    // Daily: a yearly restore test would let more than backupRetention nightly archives pile up, which the program refuses (verificationCadence.ts).
    { setting: "backupVerifySchedule", placement: text("7 7 * * *"), values: cronEdges },
    { setting: "backupExistingClaim", placement: text("e2emarkerclaim"), values: [["", "create a claim"], ...dnsLabelEdges("nightly-backups")] },
    { setting: "monitoringSelectorLabels", placement: pairs, values: pairEdges("release=kube-prometheus-stack") },
    {
        setting: "monitoringDashboardLabel", placement: pairs,
        values: [["grafana_dashboard=1", "typical"], ["grafana.com/dashboard=true", "prefixed"], ["grafana_dashboard=", "empty value"],
            ["grafana dashboard=1", "space in the key"], [`x=${long(64)}`, "64-character value"], ["Grafana.com/d=1", "upper-case prefix"]],
    },
    { setting: "monitoringDashboardName", placement: text("e2emarkerdash"), values: [...dnsLabelEdges("rocketchat-dashboard"), [long(254), "254 characters"]] },
    { setting: "monitoringNamespace", placement: text("e2emarkermon"), values: dnsLabelEdges("monitoring") },
    { setting: "monitoringRocketchatPort", placement: { kind: "number", marker: 9457 }, values: [[9458, "typical"], [1024, "lowest"], [65535, "highest"], [65536, "above the port range"], [0, "zero"], [80, "privileged"], [3000, "the web port"]] },
];
