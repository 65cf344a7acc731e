/**
 * The in-cluster half of the upgrade guard: a Job that the MongoDB
 * StatefulSet and the Rocket.Chat Deployment wait for (dependsOn), declared
 * only when a previous run is recorded (a first install has nothing to
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
 * The Job's name carries a digest of the change it guards (versions, members),
 * so each change runs it once and an unchanged stack does not re-run it.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import * as k8s from "../k8s";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import { envFromSecret, resources, ResourceSettings, restrictedContainerSecurity, restrictedPodSecurity } from "../podShapes";
import { scriptFiles } from "../backup/layout";
import { DeploymentRecord } from "./deploymentRecord";

/** Directory of the backup claim where pre-upgrade archives live, apart from the nightly ones. */
export const preUpgradeBackupDir = "pre-upgrade";

export interface UpgradeGuardJobArgs {
    readonly instance: string;
    readonly namespace: string;
    /** The mongo image being deployed (mongosh, mongodump). */
    readonly image: string;
    readonly replicaSetName: string;
    /** Members by DNS name, host:port, as the settings now ask. */
    readonly hosts: string[];
    /** What the previous run deployed, and what this one will. */
    readonly previous: DeploymentRecord;
    readonly next: DeploymentRecord;
    /** The mongodbAllowMemberRemoval opt-in. */
    readonly allowMemberRemoval: boolean;
    readonly labels: Record<string, string>;
    /** Labels that let the pod through the MongoDB NetworkPolicy. */
    readonly clientLabels: Record<string, string>;
    readonly uid?: number;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** ROOT_USERNAME/ROOT_PASSWORD from the users Secret (replSetReconfig, replSetStepDown need clusterAdmin). */
    readonly rootCredentialEnv: k8s.types.input.core.v1.EnvVar[];
    /** The pre-upgrade backup, or undefined when backups are off (the Job then only guards). */
    readonly backup?: {
        readonly claimName: pulumi.Input<string>;
        readonly credentials: { readonly secretName: pulumi.Input<string>; readonly usernameKey: string; readonly passwordKey: string };
        /** Newest pre-upgrade archives kept (see backup.sh: only archives below a verified one are ever pruned). */
        readonly retention: number;
        /** Database Rocket.Chat uses: a pre-upgrade archive without any of its documents fails the Job (backup.sh's suspect check). */
        readonly appDatabase: string;
        readonly resources: ResourceSettings;
    };
}

export function declareUpgradeGuardJob(args: UpgradeGuardJobArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
    const bootstrapScript = readFileSync(path.join(__dirname, "..", "mongodb", "bootstrap.js"), "utf8");
    const backupScripts = Object.fromEntries(scriptFiles.map((file) => [file, readFileSync(path.join(__dirname, "..", "backup", "scripts", file), "utf8")]));
    const configName = `${args.instance}-upgrade-guard`;
    const scripts = new k8s.core.v1.ConfigMap(configName, {
        metadata: { name: configName, namespace: args.namespace, labels: args.labels },
        data: { "bootstrap.js": bootstrapScript, ...(args.backup ? backupScripts : {}) },
    }, opts);
    const digest = createHash("sha256")
        .update(JSON.stringify({ previous: args.previous, next: args.next, removal: args.allowMemberRemoval, bootstrapScript, backupScripts }))
        .digest("hex")
        .slice(0, 8);
    const jobName = `${args.instance}-upgrade-guard-${digest}`;
    const labels = { ...args.labels, "app.kubernetes.io/component": "upgrade-guard" };
    const volumes: k8s.types.input.core.v1.Volume[] = [
        { name: "scripts", configMap: { name: scripts.metadata.name, defaultMode: 0o555 } },
        { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
    ];
    const guard: k8s.types.input.core.v1.Container = {
        name: "guard",
        image: args.image,
        command: ["mongosh", "--nodb", "--quiet", "--norc", "--file", "/scripts/bootstrap.js"],
        env: [
            { name: "MODE", value: "prepare" },
            { name: "REPLICA_SET_NAME", value: args.replicaSetName },
            { name: "MEMBER_HOSTS", value: JSON.stringify(args.hosts) },
            { name: "MEMBER_REMOVAL_ALLOWED", value: String(args.allowMemberRemoval) },
            { name: "TARGET_MONGODB_VERSION", value: args.next.mongodbVersion },
            { name: "HOME", value: "/tmp" },
            ...args.rootCredentialEnv,
        ],
        resources: resources({ cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" }, volumes),
        securityContext: restrictedContainerSecurity(),
        volumeMounts: [{ name: "scripts", mountPath: "/scripts", readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
    };
    const containers: k8s.types.input.core.v1.Container[] = [];
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
    return new k8s.batch.v1.Job(jobName, {
        metadata: { name: jobName, namespace: args.namespace, labels },
        spec: {
            // A refusal is final: retrying cannot change the versions.
            backoffLimit: 1,
            activeDeadlineSeconds: 3 * 60 * 60,
            template: {
                metadata: placementMetadata(args.placement, { ...labels, ...args.clientLabels }),
                spec: {
                    ...placementSpec(args.placement),
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    securityContext: restrictedPodSecurity(args.uid),
                    initContainers: [guard],
                    containers,
                    volumes,
                },
            },
        },
    }, { ...opts, dependsOn: [scripts], customTimeouts: { create: "3h" } });
}
