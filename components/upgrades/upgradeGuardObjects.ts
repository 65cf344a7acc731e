/**
 * The in-cluster half of the upgrade guard as plain Kubernetes objects: a
 * ConfigMap with the scripts and a Job that the MongoDB StatefulSet and the
 * Rocket.Chat Deployment wait for, declared only when a previous run is
 * recorded and versions or members change (a first install has nothing to
 * guard). `pulumi up` waits for it; if it fails, neither workload changes.
 *
 * 1. `guard` (init container, mongosh): bootstrap.js in MODE=prepare against
 *    the live members: refuses a binary below the live
 *    featureCompatibilityVersion or a skipped MongoDB series, refuses renamed
 *    hosts, and with mongodbAllowMemberRemoval removes departing members one
 *    reconfig at a time, the primary last, before their pods go.
 * 2. `backup` (when backups are on): the project's own backup.sh into
 *    <claim>/pre-upgrade/, with its own prefix and retention, so nightly
 *    retention never prunes it and it never prunes a nightly archive.
 *
 * The Job's name carries a digest of the change it guards (versions, members,
 * the removal opt-in, the scripts), so each change runs it once and an
 * unchanged stack does not re-run it.
 *
 * Pure: the users Secret's and the backup claim's names enter as V.
 */
import { readFileSync } from "fs";
import * as path from "path";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IVolume } from "kubernetes-models/v1/Volume";
import { scriptFiles } from "../backup/layout";
import { bootstrapScriptFiles } from "../mongodb/bootstrapJob";
import type { Opaque } from "../kubernetesObjects";
import { nameDigest } from "../nameDigest";
import { placementFor, WorkloadPlacement } from "../placement";
import { envFromSecret, resources, ResourceSettings, restrictedContainerSecurity, restrictedJob, SecretCredentials } from "../podShapes";
import type { Settings } from "../settings";
import { DeploymentRecord } from "./deploymentRecord";

/** Directory of the backup claim where pre-upgrade archives live, apart from the nightly ones. */
export const preUpgradeBackupDir = "pre-upgrade";

/**
 * BACKUP_RETENTION of the pre-upgrade backup. Retention prunes only below a
 * verified archive and the restore test verifies nightly archives only, so in
 * practice every pre-upgrade archive is kept until an operator deletes it.
 */
export const preUpgradeRetention = 3;

export interface UpgradeGuardObjectArgs<V = never> {
    readonly instance: string;
    readonly namespace: string;
    /** The mongo image being deployed (mongosh, mongodump). */
    readonly image: string;
    readonly replicaSetName: string;
    /** Members by DNS name, host:port, as the settings now ask. */
    readonly hosts: readonly string[];
    /** What the previous run deployed, and what this one will. */
    readonly previous: DeploymentRecord;
    readonly next: DeploymentRecord;
    /** The mongodbAllowMemberRemoval opt-in. Defaults to false. */
    readonly allowMemberRemoval?: boolean;
    readonly labels: Record<string, string>;
    /** Labels that let the pod through the MongoDB NetworkPolicy. */
    readonly clientLabels: Record<string, string>;
    /** Pod UID and GID; undefined lets the platform assign one (OpenShift). Defaults to undefined. */
    readonly uid?: number;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** The root user (replSetReconfig, replSetStepDown need clusterAdmin): ROOT_USERNAME/ROOT_PASSWORD from the users Secret. */
    readonly rootCredentials: SecretCredentials<V>;
    /** The pre-upgrade backup, or undefined when backups are off (the Job then only guards). Defaults to none. */
    readonly backup?: {
        readonly claimName: string | V;
        readonly credentials: SecretCredentials<V>;
        /** Newest pre-upgrade archives kept (see backup.sh: only archives below a verified one are ever pruned). */
        readonly retention: number;
        /** Database Rocket.Chat uses: a pre-upgrade archive without any of its documents fails the Job (backup.sh's suspect check). */
        readonly appDatabase: string;
        readonly resources: ResourceSettings;
    };
}

export interface UpgradeGuardObjects<V = never> {
    /** `<instance>-upgrade-guard`: bootstrap.js and, with backups, the backup scripts. */
    readonly configMap: IConfigMap;
    /** `<instance>-upgrade-guard-<digest>`. */
    readonly job: Opaque<IJob, V>;
}

/** Name of the guard's scripts ConfigMap. */
export function upgradeGuardConfigMapName(instance: string): string {
    return `${instance}-upgrade-guard`;
}

function guardScripts(withBackup: boolean): { bootstrapScripts: Record<string, string>; backupScripts: Record<string, string>; data: Record<string, string> } {
    const bootstrapScripts = bootstrapScriptFiles();
    const backupScripts = Object.fromEntries(scriptFiles.map((file) => [file, readFileSync(path.join(__dirname, "..", "backup", "scripts", file), "utf8")]));
    return { bootstrapScripts, backupScripts, data: { ...bootstrapScripts, ...(withBackup ? backupScripts : {}) } };
}

/** The Job's name: a digest of the change it guards and of the scripts, so each change runs it once. */
export function upgradeGuardJobName(args: UpgradeGuardObjectArgs<unknown>): string {
    const { bootstrapScripts, backupScripts } = guardScripts(args.backup !== undefined);
    const digest = nameDigest({ previous: args.previous, next: args.next, removal: args.allowMemberRemoval ?? false, bootstrapScripts, backupScripts });
    return `${args.instance}-upgrade-guard-${digest}`;
}

export function upgradeGuardObjects<V = never>(args: UpgradeGuardObjectArgs<V>): UpgradeGuardObjects<V> {
    const configName = upgradeGuardConfigMapName(args.instance);
    const allowMemberRemoval = args.allowMemberRemoval ?? false;
    const configMap: IConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: configName, namespace: args.namespace, labels: args.labels },
        data: guardScripts(args.backup !== undefined).data,
    };
    const jobName = upgradeGuardJobName(args);
    const labels = { ...args.labels, "app.kubernetes.io/component": "upgrade-guard" };
    const volumes: Opaque<IVolume, V>[] = [
        { name: "scripts", configMap: { name: configName, defaultMode: 0o555 } },
        { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
    ];
    const guard: Opaque<IContainer, V> = {
        name: "guard",
        image: args.image,
        command: ["mongosh", "--nodb", "--quiet", "--norc", "--file", "/scripts/bootstrap.js"],
        env: [
            { name: "MODE", value: "prepare" },
            { name: "REPLICA_SET_NAME", value: args.replicaSetName },
            { name: "MEMBER_HOSTS", value: JSON.stringify(args.hosts) },
            { name: "MEMBER_REMOVAL_ALLOWED", value: String(allowMemberRemoval) },
            { name: "TARGET_MONGODB_VERSION", value: args.next.mongodbVersion },
            { name: "HOME", value: "/tmp" },
            envFromSecret("ROOT_USERNAME", args.rootCredentials.secretName, args.rootCredentials.usernameKey),
            envFromSecret("ROOT_PASSWORD", args.rootCredentials.secretName, args.rootCredentials.passwordKey),
        ],
        resources: resources({ cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" }, volumes),
        securityContext: restrictedContainerSecurity(),
        volumeMounts: [{ name: "scripts", mountPath: "/scripts", readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
    };
    const containers: Opaque<IContainer, V>[] = [];
    if (args.backup) {
        const b = args.backup;
        volumes.push(
            { name: "backup", persistentVolumeClaim: { claimName: b.claimName } },
            // The rendered mongodump --config holds the password: memory only.
            { name: "tools-config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
        );
        containers.push({
            name: "backup",
            image: args.image,
            command: ["bash", "/scripts/backup.sh"],
            env: [
                { name: "BACKUP_DIR", value: `/backup/${preUpgradeBackupDir}` },
                // The claim's one lock (scripts/lib.sh lock_dir): never at once with a nightly backup, a verification or a restore.
                { name: "LOCK_ROOT", value: "/backup" },
                { name: "ARCHIVE_PREFIX", value: `pre-upgrade-${args.instance}` },
                { name: "BACKUP_RETENTION", value: String(b.retention) },
                { name: "APP_DATABASE", value: b.appDatabase },
                // No size comparison: pre-upgrade archives have no verified baseline in their directory.
                { name: "SUSPECT_BELOW_PERCENT", value: "0" },
                { name: "MONGODB_HOSTS", value: args.hosts.join(",") },
                { name: "MONGODB_REPLICA_SET", value: args.replicaSetName },
                { name: "TOOLS_CONFIG_DIR", value: "/run/mongo-tools" },
                { name: "HOME", value: "/tmp" },
                { name: "TMPDIR", value: "/tmp" },
                envFromSecret("MONGODB_USERNAME", b.credentials.secretName, b.credentials.usernameKey),
                envFromSecret("MONGODB_PASSWORD", b.credentials.secretName, b.credentials.passwordKey),
            ],
            resources: resources(b.resources, volumes),
            securityContext: restrictedContainerSecurity(),
            volumeMounts: [
                { name: "scripts", mountPath: "/scripts", readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
                { name: "backup", mountPath: "/backup" },
                { name: "tools-config", mountPath: "/run/mongo-tools" },
            ],
        });
    } else {
        // Without backups the guard alone does the work; the main container only reports it.
        containers.push({
            name: "guard-done",
            image: args.image,
            command: ["echo", "[upgrade-guard] passed; backupEnabled is false, so no pre-upgrade archive was taken"],
            resources: resources({ cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "100m", memoryLimit: "32Mi" }),
            securityContext: restrictedContainerSecurity(),
        });
    }
    const job: Opaque<IJob, V> = restrictedJob({
        name: jobName,
        namespace: args.namespace,
        labels,
        podLabels: args.clientLabels,
        placement: args.placement,
        uid: args.uid,
        // A refusal is final: retrying cannot change the versions.
        backoffLimit: 1,
        activeDeadlineSeconds: 3 * 60 * 60,
        initContainers: [guard],
        containers,
        volumes,
    });
    return { configMap, job };
}

/** What the guard needs from other components: members, the MongoDB client labels, the users Secret and the backup claim. */
export interface UpgradeGuardPeers<V = never> {
    /** Member host:port names (MongoReplicaSet.hosts). */
    readonly hosts: readonly string[];
    /** Labels the MongoDB NetworkPolicy admits (MongoReplicaSet.clientLabels). */
    readonly mongodbClientLabels: Record<string, string>;
    /** The mongo image's UID (mongoImageUid), used where fixedUids is on. */
    readonly mongoImageUid: number;
    /** The root and backup users in the users Secret (Credentials.root, Credentials.backup). */
    readonly rootCredentials: SecretCredentials<V>;
    readonly backupCredentials: SecretCredentials<V>;
    /** The backup volume's claim, or undefined when the stack declares no backups. */
    readonly backupClaimName?: string | V;
    /** Requests and limits of backup pods (the backup* resource settings). */
    readonly backupResources: ResourceSettings;
}

/** The guard Job's args from the stack's settings, the previous record and the one this run writes. */
export function upgradeGuardArgsFromSettings<V = never>(
    name: string, s: Settings, previous: DeploymentRecord, next: DeploymentRecord, peers: UpgradeGuardPeers<V>,
): UpgradeGuardObjectArgs<V> {
    return {
        instance: name,
        namespace: s.namespace,
        image: s.mongodbImage,
        replicaSetName: s.mongodbReplicaSetName,
        hosts: peers.hosts,
        previous,
        next,
        allowMemberRemoval: s.mongodbAllowMemberRemoval,
        labels: { "app.kubernetes.io/part-of": "rocketchat-ha", "app.kubernetes.io/instance": name, "app.kubernetes.io/name": "upgrade-guard" },
        clientLabels: peers.mongodbClientLabels,
        uid: s.fixedUids ? peers.mongoImageUid : undefined,
        placement: placementFor(s, "mongodb"),
        rootCredentials: peers.rootCredentials,
        backup: peers.backupClaimName !== undefined && s.backupEnabled
            ? {
                claimName: peers.backupClaimName,
                credentials: peers.backupCredentials,
                retention: preUpgradeRetention,
                appDatabase: s.mongodbDatabase,
                resources: peers.backupResources,
            }
            : undefined,
    };
}
