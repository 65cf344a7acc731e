/**
 * Every `rocketchat-ha:*` stack setting, once: its name, Pulumi config type,
 * default, description and the rule for its value. Everything else is derived
 * from this table:
 * - `settings.ts`: the valibot schema the program validates with, and the
 *   `Settings` type the components read;
 * - Pulumi.yaml's `config:` block (the Pulumi CLI applies the defaults from
 *   there) and README.md's configuration table, both written by
 *   `npm run docs:config` (tools/configReference.ts); a test fails when either
 *   drifts from this table;
 * - the policy pack's per-stack values that mirror a setting (`mirroredBy`),
 *   written into policy/config/<stack>.json by the same command.
 * Rules that relate several settings live in `crossChecks.ts`.
 *
 * The order here is the order of Settings, of Pulumi.yaml and of the README
 * table, and the order in which problems are reported.
 */
import * as v from "valibot";
import { keyOfPair, labelPair } from "./keyValuePairs";
import { podPlacementSchema, pullSecretName } from "./placementSettings";
import { extraEnvSchema } from "./rocketchat/extraEnvironment";
import {
    annotationList, bytes, channelList, cpu, flag, list, mongodMemory, oneOf, optionalText, pattern, storage, storageClass, structured, text, wholeNumber,
} from "./settingRules";
import * as rules from "./validators";

/** Pulumi's config types; the CLI checks a stack's values against them. */
export type PulumiConfigType = "string" | "integer" | "boolean" | "array";

/** A setting's Pulumi config type and the rule for its value. */
interface SettingKind<T extends PulumiConfigType | undefined = PulumiConfigType | undefined, S extends v.GenericSchema = v.GenericSchema> {
    /** Undefined for values Pulumi's config types cannot describe (an object, a list of objects). */
    readonly type: T;
    /** The type of an array's items: the CLI refuses an array declared without it. */
    readonly items?: "string";
    /** Why Pulumi.yaml declares no type (a comment there). */
    readonly note?: string;
    readonly rule: S;
}

/** A default as Pulumi.yaml holds it, by the setting's config type. */
type YamlDefault<T> = T extends "string" ? string : T extends "integer" ? number : T extends "boolean" ? boolean : T extends "array" ? readonly string[] : object;

/** A policy pack property that holds a stack's value of a setting (policy/config/<stack>.json). */
export interface PolicyMirror {
    readonly policy: string;
    readonly property: string;
}

interface SettingFacts<D> {
    /** The default Pulumi.yaml declares; absent for a setting every stack must give. */
    readonly default?: D;
    /** What the setting means, what it allows and what follows from it (Pulumi.yaml and the README). */
    readonly description: string;
    readonly mirroredBy?: PolicyMirror;
}

export type SettingDefinition = SettingKind & SettingFacts<unknown>;

function setting<K extends SettingKind, const F extends SettingFacts<YamlDefault<K["type"]>>>(kind: K, facts: F): K & F {
    return { ...kind, ...facts };
}

const stringSetting = <S extends v.GenericSchema<unknown, string>>(rule: S) => ({ type: "string" as const, rule });
const integerSetting = (min: number, max: number) => ({ type: "integer" as const, rule: wholeNumber(min, max) });
const booleanSetting = { type: "boolean" as const, rule: flag };
const stringListSetting = <S extends v.GenericSchema<unknown, string[]>>(rule: S) => ({ type: "array" as const, items: "string" as const, rule });
const untypedSetting = <S extends v.GenericSchema>(rule: S, note: string) => ({ type: undefined, note, rule });

const platformSettings = {
    namespace: setting(stringSetting(text(rules.dnsLabel)), {
        description: "Namespace (OpenShift project) that holds every object. Required, a DNS-1123 label.",
    }),
    createNamespace: setting(booleanSetting, {
        default: true,
        description: "Create the namespace. Set false where the namespace or OpenShift project is provisioned for you.",
    }),
    deleteDataOnDestroy: setting(booleanSetting, {
        default: false,
        description: "Named opt-in to let `pulumi destroy` delete the stack's data: the MongoDB data claims, the uploads claim, the stack-identity marker and the generated credentials (unprotected by the `pulumi up` that sets it). Off, destroy keeps them, so the next `pulumi up` opens the same data. The backup claim follows backupDeleteClaimOnDestroy; the namespace is always left.",
    }),
    platform: setting(stringSetting(oneOf(["kubernetes", "openshift"] as const)), {
        default: "kubernetes",
        description: "'kubernetes' (Ingress) or 'openshift' (Route, UIDs assigned by the restricted SCC).",
    }),
    hostname: setting(stringSetting(text(rules.hostname)), {
        description: "Public host name users open, e.g. chat.example.org. Required.",
    }),
    clusterDomain: setting(stringSetting(text(rules.hostname)), {
        default: "cluster.local",
        description: "The cluster's DNS domain, used in replica-set member host names.",
    }),
    schedulableNodes: setting(integerSetting(1, 1000), {
        default: 3,
        description: "Nodes that can run these pods. With required anti-affinity no workload may ask for more pods than this.",
        mirroredBy: { policy: "replicas-within-schedulable-nodes", property: "schedulableNodes" },
    }),
    podAntiAffinity: setting(stringSetting(oneOf(["required", "preferred"] as const)), {
        default: "required",
        description: "'required' (one pod of a workload per node, the HA design) or 'preferred' (best effort, for single-node dev clusters).",
    }),
    topologyZones: setting(integerSetting(0, 64), {
        default: 0,
        description: "Zones (topology.kubernetes.io/zone) the schedulable nodes spread over; 0 turns zone spreading off. With zones on, MongoDB members and Rocket.Chat pods spread over them (maxSkew 1, DoNotSchedule) so that losing one zone leaves a majority of members: at least 3 zones; 2 are refused (a 2-zone replica set needs a third site or an arbiter).",
        mirroredBy: { policy: "mongodb-zone-spread", property: "zones" },
    }),
    fixedUids: setting(booleanSetting, {
        default: true,
        description: "Pin runAsUser/fsGroup to the images' users (mongo 999, Rocket.Chat 65533). Must be false on OpenShift (the SCC assigns UIDs) and true on Kubernetes (nothing else gives the pods a UID).",
    }),
    podPlacement: setting(untypedSetting(structured(podPlacementSchema), "No type: Pulumi config types cannot describe an object of objects; components/placementSettings.ts checks the shape."), {
        default: {},
        description: "Where pods may run, per workload: an object keyed by all (applied first), mongodb (members and their bootstrap and upgrade-guard Jobs), rocketchat, backup (backup, verify and restore Jobs), exporter and channels (the channels Job), each with nodeSelector (label map), tolerations (key, operator Exists or Equal, value, effect NoSchedule, PreferNoSchedule or NoExecute, tolerationSeconds; refused without a key unless PreferNoSchedule, and for node.kubernetes.io/unreachable or not-ready without tolerationSeconds: they keep pods on dead or cordoned nodes), priorityClassName, podLabels and podAnnotations (not under app.kubernetes.io/ or rocketchat-ha.io/). A workload's maps are merged over all's, its tolerations added to all's.",
    }),
    imagePullSecrets: setting(stringListSetting(list(text(pullSecretName), "a list of Secret names such as [\"registry-mirror\"]")), {
        default: [],
        description: "Secret names (type kubernetes.io/dockerconfigjson, in the namespace) every pod pulls its images with, e.g. for a private registry mirror.",
    }),
};

const mongodbSettings = {
    mongodbImage: setting(stringSetting(text(rules.pinnedImage)), {
        default: "mongo:8.0.29",
        description: "Official mongo image with an exact 7.0.x or 8.0.x tag (major.minor.patch; mongo:8.0 floats) or a digest.",
    }),
    mongodbMembers: setting(integerSetting(1, 7), {
        default: 3,
        description: "Replica-set members, odd. 3 keep accepting writes with 1 member down, 5 with 2 down.",
    }),
    mongodbReplicaSetName: setting(stringSetting(text(rules.dnsLabel)), {
        default: "rs0",
        description: "Replica-set name (--replSet).",
    }),
    mongodbAllowMemberRemoval: setting(booleanSetting, {
        default: false,
        description: "Named opt-in to lower mongodbMembers on an existing set. The upgrade guard then removes the departing members from the replica-set config (one reconfig at a time, the primary last) before their pods go; their volumes stay. Off, lowering mongodbMembers is refused.",
    }),
    mongodbDatabase: setting(stringSetting(text(rules.applicationDatabase)), {
        default: "rocketchat",
        description: "Database Rocket.Chat uses; not admin, config or local (any case).",
    }),
    mongodbStorageClass: setting(stringSetting(storageClass), {
        default: "",
        description: "StorageClass of each member's ReadWriteOnce data volume; empty uses the cluster default.",
    }),
    mongodbStorageSize: setting(stringSetting(storage("5Gi", "before any data, mongod sets aside at least 990 MB for the oplog (its floor on small disks) and journal files of up to 100 MB each")), {
        default: "20Gi",
        description: "Size of each member's data volume; at least 5Gi (oplog floor 990 MB plus journal).",
    }),
    mongodbCpuRequest: setting(stringSetting(cpu), {
        default: "500m",
        description: "CPU request of each member.",
    }),
    mongodbCpuLimit: setting(stringSetting(cpu), {
        default: "2",
        description: "CPU limit of each member.",
    }),
    mongodbMemoryRequest: setting(stringSetting(bytes), {
        default: "2Gi",
        description: "Memory request of each member.",
    }),
    mongodbMemoryLimit: setting(stringSetting(mongodMemory), {
        default: "2Gi",
        description: "Memory limit of each member, 1Gi to 20001Gi; the WiredTiger cache is sized from it (max(0.25, 0.5 x (limit - 1 GiB)) GB, within mongod's 0.25 to 10000).",
    }),
};

const rocketchatSettings = {
    rocketchatImage: setting(stringSetting(text(rules.pinnedImage)), {
        default: "registry.rocket.chat/rocketchat/rocket.chat:8.5.1",
        description: "Rocket.Chat image with an exact major.minor.patch tag (a digest may follow it), 7.x or 8.x; the MongoDB series it needs come from Rocket.Chat's release notes (components/upgrades/versionTable.ts), e.g. 7.0-7.12 with MongoDB 7.0, 8.2+ with 8.0. Upgrades go forward, one major at a time.",
    }),
    rocketchatReplicas: setting(integerSetting(1, 100), {
        default: 3,
        description: "Rocket.Chat pods (the autoscaler's minimum). More than one needs the Enterprise scalability licence.",
    }),
    rocketchatCpuRequest: setting(stringSetting(cpu), {
        default: "500m",
        description: "CPU request of each Rocket.Chat pod.",
    }),
    rocketchatCpuLimit: setting(stringSetting(cpu), {
        default: "2",
        description: "CPU limit of each Rocket.Chat pod.",
    }),
    rocketchatMemoryRequest: setting(stringSetting(bytes), {
        default: "1Gi",
        description: "Memory request of each Rocket.Chat pod.",
    }),
    rocketchatMemoryLimit: setting(stringSetting(bytes), {
        default: "2Gi",
        description: "Memory limit of each Rocket.Chat pod.",
    }),
    adminUsername: setting(stringSetting(pattern(/^[A-Za-z0-9._-]{3,40}$/, "3 to 40 letters, digits, '.', '_' or '-'")), {
        default: "rcadmin",
        description: "User name of the break-glass local administrator (password generated).",
    }),
    adminEmail: setting(stringSetting(optionalText((value) => (v.is(v.pipe(v.string(), v.email()), value) ? undefined : "an e-mail address, or empty for <adminUsername>@<hostname>"))), {
        default: "",
        description: "E-mail of the break-glass administrator; empty means <adminUsername>@<hostname>.",
    }),
    licenseSecretName: setting(stringSetting(optionalText(rules.dnsLabel)), {
        default: "",
        description: "Existing Secret with key 'license' holding the Enterprise licence; empty for none.",
    }),
    smtpSecretName: setting(stringSetting(optionalText(rules.dnsLabel)), {
        default: "",
        description: "Existing Secret with keys host, port, username, password, from for outgoing mail; empty for none.",
    }),
    rocketchatExtraEnv: setting(untypedSetting(structured(extraEnvSchema), "No type: a list of objects; components/rocketchat/extraEnvironment.ts checks the shape."), {
        default: [],
        description: "Extra Rocket.Chat environment for settings the program does not model, as a list of {name, value} or {name, secretKeyRef: {name, key}}. Refused: names the program sets for this stack (both <settingId> and OVERWRITE_SETTING_<settingId>, Site_Url, which Rocket.Chat takes from ROOT_URL, and every Accounts_OAuth_Custom-Keycloak setting), so SSO and HA settings cannot be undone; literal values that look like secrets (use secretKeyRef); a Node.js inspector flag in NODE_OPTIONS, FileUpload_ProtectFiles=false and NODE_TLS_REJECT_UNAUTHORIZED=0.",
    }),
};

const autoscalingSettings = {
    autoscalingEnabled: setting(booleanSetting, {
        default: true,
        description: "Scale Rocket.Chat on CPU between rocketchatReplicas and autoscalingMaxReplicas.",
    }),
    autoscalingMaxReplicas: setting(integerSetting(1, 100), {
        default: 3,
        description: "Autoscaler maximum; at most schedulableNodes under required anti-affinity.",
    }),
    autoscalingCpuPercent: setting(integerSetting(10, 100), {
        default: 80,
        description: "Average CPU utilisation (percent of request) the autoscaler aims for. It adds pods only above 110% of that (its default tolerance), which must stay below rocketchatCpuLimit or it never scales up.",
    }),
};

const uploadsSettings = {
    uploadsStorage: setting(stringSetting(oneOf(["FileSystem", "GridFS"] as const)), {
        default: "FileSystem",
        description: "'FileSystem' (a shared volume at /app/uploads) or 'GridFS' (uploads inside MongoDB, no volume).",
    }),
    uploadsAccessMode: setting(stringSetting(oneOf(["ReadWriteMany", "ReadWriteOnce"] as const)), {
        default: "ReadWriteMany",
        description: "Access mode of the uploads claim; ReadWriteMany is required when more than one pod can run.",
    }),
    uploadsStorageClass: setting(stringSetting(storageClass), {
        default: "",
        description: "StorageClass of the uploads claim (must offer ReadWriteMany, e.g. NFS or CephFS); empty uses the cluster default.",
    }),
    uploadsStorageSize: setting(stringSetting(storage("1Gi", "a smaller volume fills with the first few uploads")), {
        default: "20Gi",
        description: "Size of the uploads claim; at least 1Gi.",
    }),
    uploadsMaxFileSizeBytes: setting(integerSetting(-1, 2 ** 31 - 1), {
        default: 104857600,
        description: "Largest upload in bytes (FileUpload_MaxFileSize); -1 for no limit.",
    }),
    uploadsMediaTypeWhitelist: setting(stringListSetting(list(
        pattern(/^[a-z]+\/([a-z0-9.+*-]+)$/, "MIME types such as image/* or application/pdf"),
        "a list of MIME types such as [\"image/*\", \"application/pdf\"]",
    )), {
        default: [],
        description: "MIME types users may upload (FileUpload_MediaTypeWhiteList), each once; empty allows all.",
    }),
    retentionEnabled: setting(booleanSetting, {
        default: false,
        description: "Prune old messages with Rocket.Chat's retention policy.",
    }),
    retentionMaxAgeChannelsDays: setting(integerSetting(1, 36500), {
        default: 365,
        description: "Days public-channel messages are kept when retention is enabled.",
    }),
    retentionMaxAgeGroupsDays: setting(integerSetting(1, 36500), {
        default: 365,
        description: "Days private-group messages are kept when retention is enabled.",
    }),
    retentionMaxAgeDirectDays: setting(integerSetting(1, 36500), {
        default: 365,
        description: "Days direct messages are kept when retention is enabled.",
    }),
    retentionFilesOnly: setting(booleanSetting, {
        default: false,
        description: "Retention prunes only files, keeping the messages.",
    }),
};

const ingressSettings = {
    ingressClassName: setting(stringSetting(optionalText(rules.dnsLabel)), {
        default: "",
        description: "IngressClass on Kubernetes; empty uses the cluster default. Ignored on OpenShift.",
    }),
    ingressAnnotations: setting(stringListSetting(annotationList), {
        default: [],
        description: "Extra Ingress annotations as key=value (e.g. cert-manager.io/cluster-issuer=letsencrypt); keys by Kubernetes' rules, each key once. Refused: keys the program sets on the Ingress (ssl-redirect, proxy-body-size, the proxy timeouts, kubernetes.io/ingress.class while ingressClassName is set), keys under pulumi.com/ (the Kubernetes provider's own instructions) and ingress-nginx's *-snippet annotations.",
    }),
    ingressAwaitLoadBalancer: setting(booleanSetting, {
        default: true,
        description: "pulumi up waits (up to 10 minutes) until the ingress controller publishes the Ingress's load-balancer address and its backend has endpoints. false skips that wait (annotation pulumi.com/skipAwait) for controllers that never publish a status; up then no longer proves the Ingress was admitted (README, Prerequisites). No effect on OpenShift: nothing waits for a Route.",
    }),
    tlsSecretName: setting(stringSetting(optionalText(rules.dnsLabel)), {
        default: "rocketchat-tls",
        description: "Secret with the TLS certificate for the Ingress (cert-manager can fill it); empty on OpenShift uses the router's certificate.",
    }),
    ingressControllerNamespace: setting(stringSetting(text(rules.dnsLabel)), {
        default: "ingress-nginx",
        description: "Namespace of the ingress controller; the NetworkPolicy admits port 3000 only from there (on OpenShift, from the router's policy group).",
    }),
};

const ssoSettings = {
    ssoEnabled: setting(booleanSetting, {
        default: true,
        description: "Create the Keycloak client and make Keycloak the only login (the local form is hidden).",
    }),
    keycloakUrl: setting(stringSetting(optionalText(rules.httpsBaseUrl)), {
        default: "",
        description: "Public base URL of Keycloak as browsers reach it, e.g. https://sso.example.org, with no query, fragment, credentials, dot segments or trailing slash. Required when ssoEnabled.",
    }),
    keycloakBasePath: setting(stringSetting(text(rules.pathPrefix)), {
        default: "",
        description: "Path prefix before /realms; empty for Keycloak 17+, '/auth' for older servers. No '.' or '..' segments.",
    }),
    keycloakRealm: setting(stringSetting(pattern(/^(?!\.{1,2}$)([A-Za-z0-9._-]{1,64})?$/, "a realm name of letters, digits, '.', '_' or '-', other than '.' or '..' (it becomes a path segment of every endpoint)")), {
        default: "",
        description: "Realm whose users sign in (not '.' or '..'). Required when ssoEnabled.",
    }),
    keycloakClientId: setting(stringSetting(text(rules.dnsLabel)), {
        default: "rocketchat",
        description: "Client id of the OpenID client created for Rocket.Chat.",
    }),
    keycloakButtonLabel: setting(stringSetting(v.pipe(v.string("a button text"), v.minLength(1, "a non-empty button text"), v.maxLength(60, "at most 60 characters"))), {
        default: "Sign in with Keycloak",
        description: "Text of the login button.",
    }),
    keycloakGroups: setting(stringListSetting(list(v.pipe(v.string("group names"), v.minLength(1, "non-empty group names")), "a list of Keycloak group names")), {
        default: [],
        description: "Existing Keycloak groups whose members get the client role rocketchat-users, each once.",
    }),
    ssoAllowSwitch: setting(booleanSetting, {
        default: false,
        description: "Named opt-in to change keycloakRealm or turn ssoEnabled off on a running stack. Users signed in through another realm get new identities (and may clash with their old accounts' usernames); with SSO off, accounts created through Keycloak have no password. Off, both changes are refused; README \"Switching the platform or the sign-in\" has the procedure.",
    }),
};

const backupSettings = {
    backupEnabled: setting(booleanSetting, {
        default: true,
        description: "Run the nightly mongodump CronJob and the daily restore test.",
    }),
    backupSchedule: setting(stringSetting(text(rules.cronSchedule)), {
        default: "15 2 * * *",
        description: "Cron schedule of the backup (cluster time zone) in the CronJob dialect (5 fields or @hourly/@daily/@weekly/@monthly/@yearly; no L, W, #, H or seconds). The recovery point is at most one interval old.",
    }),
    backupRetention: setting(integerSetting(1, 365), {
        default: 7,
        description: "Newest database archives kept that are not suspect; pruning happens only after a backup succeeds, never removes the newest verified-good archive or anything newer, and stops while the last verification failed.",
    }),
    backupExistingClaim: setting(stringSetting(optionalText(rules.dnsLabel)), {
        default: "",
        description: "Existing PersistentVolumeClaim for backups (e.g. an NFS volume); empty creates one.",
    }),
    backupStorageClass: setting(stringSetting(storageClass), {
        default: "",
        description: "StorageClass of the created backup claim; empty uses the cluster default.",
    }),
    backupStorageSize: setting(stringSetting(storage("1Gi", "it holds several compressed dumps plus the uploads copies")), {
        default: "50Gi",
        description: "Size of the created backup claim; at least 1Gi.",
    }),
    backupDeleteClaimOnDestroy: setting(booleanSetting, {
        default: false,
        description: "Named opt-in to delete the created backup claim with the stack. By default `pulumi destroy` leaves it (and every archive) in place.",
    }),
    backupVerifySchedule: setting(stringSetting(text(rules.cronSchedule)), {
        default: "45 3 * * *",
        description: "Cron schedule of the restore test of the newest archive into a scratch mongod with authentication, as the restore identity (daily by default, so every nightly archive is proven and retention can prune), in the CronJob dialect like backupSchedule.",
    }),
    backupScratchStorageClass: setting(stringSetting(storageClass), {
        default: "",
        description: "StorageClass of the restore test's scratch volume (a generic ephemeral volume of mongodbStorageSize, created with the pod and deleted with it); empty uses the cluster default.",
    }),
    backupSuspectBelowPercent: setting(integerSetting(0, 99), {
        default: 50,
        description: "An archive whose application documents or bytes fall below this percentage of the newest verified archive is kept but marked suspect and does not count toward backupRetention; 0 turns the size check off (an archive with no application document is always suspect).",
    }),
    backupUploadsRetention: setting(integerSetting(1, 365), {
        default: 7,
        description: "Newest uploads archives kept when uploads use FileSystem storage.",
    }),
    backupCpuRequest: setting(stringSetting(cpu), {
        default: "250m",
        description: "CPU request of backup, verification and restore pods.",
    }),
    backupCpuLimit: setting(stringSetting(cpu), {
        default: "1",
        description: "CPU limit of backup, verification and restore pods.",
    }),
    backupMemoryRequest: setting(stringSetting(bytes), {
        default: "512Mi",
        description: "Memory request of backup, verification and restore pods.",
    }),
    backupMemoryLimit: setting(stringSetting(mongodMemory), {
        default: "2Gi",
        description: "Memory limit of backup, verification and restore pods, at least 1Gi (the verification runs a scratch mongod, sized like mongodbMemoryLimit).",
    }),
    restoreArchive: setting(stringSetting(pattern(/^((pre-upgrade\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.archive\.gz)?$/,
        "empty, or the file name of an archive on the backup volume such as rocketchat-20261128T021500Z.archive.gz (pre-upgrade/<name> for one taken before an upgrade)")), {
        default: "",
        description: "File name of an archive on the backup volume to restore. While set, Rocket.Chat is scaled to zero and a restore Job runs.",
    }),
    restoreDropExisting: setting(booleanSetting, {
        default: false,
        description: "Named opt-in to replace existing collections (each collection the archive holds is dropped before it is restored, as mongorestore --drop would; MongoDB users and roles stay this stack's). Off, the restore only adds missing documents.",
    }),
    restoreAllowUnchecksummedArchive: setting(booleanSetting, {
        default: false,
        description: "Named opt-in to restore an archive that has no .sha256 checksum file (e.g. one copied in by hand). Off, such an archive is refused before anything is written.",
    }),
};

const channelSettings = {
    channels: setting(untypedSetting(channelList, "No type: Pulumi config types cannot describe a list of objects; components/settingRules.ts checks the shape."), {
        default: [],
        description: "Channels Rocket.Chat must have, as a list of {name, topic?, private?, default?, readOnly?}. A Job creates missing ones and sets topic, type, default (new users join) and read-only where they differ. An omitted topic is left as it is.",
    }),
    channelsPrune: setting(booleanSetting, {
        default: false,
        description: "Named opt-in to delete channels that the reconciler created and that are no longer listed in channels. Off, nothing is ever deleted.",
    }),
};

const monitoringSettings = {
    monitoringEnabled: setting(booleanSetting, {
        default: false,
        description: "Serve Rocket.Chat's Prometheus metrics, run the MongoDB exporter and declare the Grafana dashboard ConfigMap. See docs/monitoring.md.",
    }),
    monitoringNamespace: setting(stringSetting(text(rules.dnsLabel)), {
        default: "monitoring",
        description: "Namespace Prometheus runs in; NetworkPolicies admit only it to the metrics ports (on OpenShift user workload monitoring, openshift-user-workload-monitoring).",
    }),
    monitoringPrometheusOperator: setting(booleanSetting, {
        default: false,
        description: "The Prometheus Operator is installed; declare ServiceMonitors and the PrometheusRule with the alerts (monitoring.coreos.com/v1). Needs monitoringEnabled.",
    }),
    monitoringSelectorLabels: setting(stringListSetting(list(text(labelPair), "a list of key=value labels such as [\"release=kube-prometheus-stack\"]", keyOfPair)), {
        default: [],
        description: "Labels as key=value that the Prometheus selects ServiceMonitors and PrometheusRules by (serviceMonitorSelector, ruleSelector), e.g. release=kube-prometheus-stack; each key once.",
    }),
    monitoringRocketchatPort: setting(integerSetting(1024, 65535), {
        default: 9458,
        description: "Port of Rocket.Chat's Prometheus endpoint (PROMETHEUS_PORT); a container and metrics-Service port only, never behind the Ingress or Route.",
    }),
    monitoringExporterImage: setting(stringSetting(text(rules.pinnedImage)), {
        default: "percona/mongodb_exporter:0.47.1",
        description: "MongoDB exporter image with an exact major.minor.patch tag or a digest (Percona mongodb_exporter 0.4x flags and metric names).",
    }),
    monitoringReplicationLagSeconds: setting(integerSetting(1, 86400), {
        default: 60,
        description: "A secondary further behind the primary than this many seconds (for monitoringNotReadyMinutes) raises MongoReplicationLagHigh.",
    }),
    monitoringNotReadyMinutes: setting(integerSetting(1, 1440), {
        default: 5,
        description: "Minutes a replica-set member may be down, the set without primary, or Rocket.Chat pods unready before the alert fires.",
    }),
    monitoringAutoscalerMaxedMinutes: setting(integerSetting(1, 1440), {
        default: 30,
        description: "Minutes the Rocket.Chat autoscaler may sit at its maximum before RocketChatAutoscalerAtMaximum fires.",
    }),
    monitoringBackupGraceMinutes: setting(integerSetting(0, 10080), {
        default: 120,
        description: "Minutes beyond the longest gap between two scheduled runs that the last good backup or restore test may be old before an alert fires (covers the run time).",
    }),
    monitoringDashboardName: setting(stringSetting(text(rules.dnsLabel)), {
        default: "rocketchat-ha-dashboard",
        description: "Name of the ConfigMap holding the Grafana dashboard.",
    }),
    monitoringDashboardLabel: setting(stringSetting(text(labelPair)), {
        default: "grafana_dashboard=1",
        description: "Label as key=value that the Grafana dashboard sidecar watches for.",
    }),
    monitoringDashboardNamespace: setting(stringSetting(optionalText(rules.dnsLabel)), {
        default: "",
        description: "Namespace of the dashboard ConfigMap; empty uses namespace (the sidecar must then search it, e.g. searchNamespace ALL).",
    }),
};

/** Raise a generation by one to rotate that credential (components/credentialPlan.ts; README "Rotating credentials"). */
const generationSetting = (what: string, extra = "") => setting(integerSetting(0, 1000), {
    default: 0,
    description: `Generation of ${what}; raise by exactly one (one step per pulumi up) to rotate it${extra}. Lowering or skipping is refused.`,
});

const credentialRotationSettings = {
    mongodbRootPasswordGeneration: generationSetting("the MongoDB root password", ": the bootstrap logs in with the previous one and changes it; not in a run that changes versions or members"),
    mongodbAppPasswordGeneration: generationSetting("Rocket.Chat's MongoDB user and password", ": a new user rocketchat-g<N> is created, the previous one is dropped by the next pulumi up"),
    mongodbBackupPasswordGeneration: generationSetting("the backup user and password", " (new user backup-g<N>; not in a run that changes versions or members)"),
    mongodbRestorePasswordGeneration: generationSetting("the restore user and password", " (new user restore-g<N>)"),
    mongodbMonitoringPasswordGeneration: generationSetting("the exporter's monitoring user and password", " (new user monitoring-g<N>)"),
    mongodbKeyfileGeneration: generationSetting("the replica-set keyfile", ": takes two pulumi up runs (both keys, then the new one alone), each a rolling restart of the members"),
    adminPasswordGeneration: generationSetting("the break-glass administrator's password", ": the channels Job changes it in Rocket.Chat"),
};

/** The settings in the order Pulumi.yaml, the README table and Settings list them, under section headings. */
export const settingSections = [
    { title: "Where and how the platform runs", settings: platformSettings },
    { title: "MongoDB replica set", settings: mongodbSettings },
    { title: "Rocket.Chat", settings: rocketchatSettings },
    { title: "Autoscaling", settings: autoscalingSettings },
    { title: "Uploads and retention", settings: uploadsSettings },
    { title: "Ingress / Route", settings: ingressSettings },
    { title: "Keycloak single sign-on", settings: ssoSettings },
    { title: "Backups, verification and restore", settings: backupSettings },
    { title: "Channels (reconciled through the REST API)", settings: channelSettings },
    { title: "Monitoring: metrics, alerts and the Grafana dashboard", settings: monitoringSettings },
    { title: "Credential rotation (raise a generation by one per pulumi up)", settings: credentialRotationSettings },
] as const;

type SettingsOfSections<T extends readonly { readonly settings: object }[]> =
    T extends readonly [infer First extends { readonly settings: object }, ...infer Rest extends readonly { readonly settings: object }[]]
        ? First["settings"] & SettingsOfSections<Rest>
        : unknown;

/** Every setting by name, in section order. */
export const settingDefinitions = Object.assign({}, ...settingSections.map((section) => section.settings)) as SettingsOfSections<typeof settingSections>;
