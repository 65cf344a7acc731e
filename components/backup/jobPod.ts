/**
 * The pod every backup, uploads, verification and restore Job runs: the
 * official mongo image (mongodump, mongorestore, mongod, mongosh, bash, tar),
 * the scripts ConfigMap, the backup claim, the restricted security profile
 * with a read-only root file system, and the backup user's credentials as
 * secretKeyRef environment variables only for pods that reach MongoDB.
 */
import type * as k8s from "../k8s";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../labels";
import { envFromSecret, resources, ResourceSettings, restrictedContainerSecurity, restrictedPodSecurity } from "../podShapes";
import { paths, ScriptFile } from "./layout";

type EnvVar = k8s.types.input.core.v1.EnvVar;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** Where a Secret keeps the MongoDB user the scripts connect as. */
export interface MongoCredentialRef {
    /** Secret holding the user name and password. */
    readonly secretName: pulumi.Input<string>;
    /** Key of the user name in the Secret. */
    readonly usernameKey: string;
    /** Key of the password in the Secret. */
    readonly passwordKey: string;
}

/** A volume and where the container mounts it. */
export interface ExtraVolume {
    readonly volume: Volume;
    readonly mount: VolumeMount;
}

export interface BackupPodArgs {
    /** Official mongo image with an exact tag or digest. */
    readonly image: string;
    /** Labels of the pod (add the MongoDB client labels for pods that reach the replica set). */
    readonly labels: Record<string, string>;
    /** The script the container runs with bash. */
    readonly script: ScriptFile;
    /** ConfigMap holding the scripts. */
    readonly scriptsConfigMapName: pulumi.Input<string>;
    /** Claim holding the archives, mounted at /backup. */
    readonly backupClaimName: pulumi.Input<string>;
    /** Run as this UID/GID with it as fsGroup. Defaults to letting the platform assign one (OpenShift). */
    readonly uid?: number;
    /** Extra groups of the pod, e.g. the group that owns the uploads. Defaults to none. */
    readonly supplementalGroups?: number[];
    /** Requests and limits of the container. */
    readonly resources: ResourceSettings;
    /** Plain settings of the script; never a secret. */
    readonly env: EnvVar[];
    /** MongoDB user as MONGODB_USERNAME/MONGODB_PASSWORD from the Secret. Defaults to none (no database access). */
    readonly credentials?: MongoCredentialRef;
    /** A memory-backed directory for a rendered tools --config file even without `credentials` (the verification's scratch user). Defaults to whether credentials are given. */
    readonly toolsConfig?: boolean;
    /** More volumes, e.g. the uploads claim or the scratch dbpath. Defaults to none. */
    readonly extraVolumes?: ExtraVolume[];
    /** Placement, e.g. next to the pod that has a ReadWriteOnce claim attached. Defaults to none. */
    readonly affinity?: k8s.types.input.core.v1.Affinity;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
}

export function backupPodTemplate(args: BackupPodArgs): k8s.types.input.core.v1.PodTemplateSpec {
    const volumes: ExtraVolume[] = [
        // 0555: retention.sh is also run by the other scripts.
        { volume: { name: "scripts", configMap: { name: args.scriptsConfigMapName, defaultMode: 0o555 } }, mount: { name: "scripts", mountPath: paths.scripts, readOnly: true } },
        { volume: { name: "backup", persistentVolumeClaim: { claimName: args.backupClaimName } }, mount: { name: "backup", mountPath: paths.backup } },
        // mongosh keeps history and the scripts keep counts under /tmp.
        { volume: { name: "tmp", emptyDir: { sizeLimit: "256Mi" } }, mount: { name: "tmp", mountPath: paths.tmp } },
    ];
    const env: EnvVar[] = [
        { name: "BACKUP_DIR", value: paths.backup },
        { name: "HOME", value: paths.tmp },
        { name: "TMPDIR", value: paths.tmp },
    ];
    if (args.credentials) {
        env.push(
            envFromSecret("MONGODB_USERNAME", args.credentials.secretName, args.credentials.usernameKey),
            envFromSecret("MONGODB_PASSWORD", args.credentials.secretName, args.credentials.passwordKey),
        );
    }
    if (args.credentials || args.toolsConfig) {
        env.push({ name: "TOOLS_CONFIG_DIR", value: paths.toolsConfig });
        // The rendered --config file holds the password: memory only, gone with the pod.
        volumes.push({
            volume: { name: "tools-config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
            mount: { name: "tools-config", mountPath: paths.toolsConfig },
        });
    }
    volumes.push(...(args.extraVolumes ?? []));

    return {
        metadata: placementMetadata(args.placement, args.labels),
        spec: {
            ...placementSpec(args.placement),
            // A failed run keeps its pod for `kubectl logs`; the Job's backoff starts a new one.
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: {
                ...restrictedPodSecurity(args.uid),
                ...(args.supplementalGroups?.length ? { supplementalGroups: args.supplementalGroups } : {}),
            },
            ...(args.affinity ? { affinity: args.affinity } : {}),
            containers: [{
                name: args.script.replace(/\.sh$/, ""),
                image: args.image,
                command: ["bash", `${paths.scripts}/${args.script}`],
                env: [...env, ...args.env],
                resources: resources(args.resources, volumes.map((v) => v.volume)),
                securityContext: restrictedContainerSecurity(),
                volumeMounts: volumes.map((v) => v.mount),
            }],
            volumes: volumes.map((v) => v.volume),
        },
    };
}

/** Recommended labels of a backup object; `component` tells the Jobs apart. */
export function backupLabels(instance: string, component: string, version?: string): Record<string, string> {
    return standardLabels({ instance, name: "mongodb-backup", component }, version);
}

/** What every backup pod shares: image, scripts, claim, identity, resources. */
export type SharedPodArgs = Pick<BackupPodArgs, "image" | "scriptsConfigMapName" | "backupClaimName" | "uid" | "resources" | "placement">;
