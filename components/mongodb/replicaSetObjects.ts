/**
 * The replica set's Kubernetes objects as plain data: headless and client
 * Services, the StatefulSet (keyfile authentication, probes, the preStop
 * step-down), a PodDisruptionBudget, a NetworkPolicy, the connection Secret
 * and the bootstrap Job (bootstrapJob.ts). Values only the program knows (the
 * Secrets' names as Outputs, the connection string with its generated
 * password) enter as opaque values of `V`.
 */
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import { mongoUserRef, mongoUsernames, unrotatedPlan } from "../credentialObjects";
import { CredentialPlan, rolloutAnnotations } from "../credentialPlan";
import type { Built } from "../builtObject";
import { standardLabels } from "../labels";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import {
    AntiAffinityMode,
    execProbe,
    podPlacement,
    resources,
    ResourceSettings,
    restrictedContainerSecurity,
    restrictedPodSecurity,
} from "../podShapes";
import { workloadIngressPolicy } from "../networkPeers";
import { imageParts } from "../validators";
import { bootstrapJobObjects, BootstrapJobObjects } from "./bootstrapJob";
import { featureCompatibilityJob } from "./featureCompatibilityJob";
import { memberClaimPatches, memberVolumeTemplateName } from "./memberVolumes";
import {
    mongoClientLabels,
    mongoConnectionSecretKey,
    mongoConnectionSecretName,
    mongoIdentity,
    mongoImageUid,
    mongoPort,
    mongoSelectorLabels,
    replicaSetHosts,
    replicaSetObjectNames,
} from "./names";
import { rootCredentialsPath, stepDownCommand } from "./preStop";
import { wiredTigerCacheGb } from "./sizing";

/** What a replica set is made of, all but the credentials. Every default equals Pulumi.yaml's (test/mongodb.test.ts checks). */
export interface MongoReplicaSetSettings {
    /** Namespace of every object. */
    readonly namespace: string;
    /** Official mongo image with an exact 7.0.x/8.0.x tag or digest. Defaults to "mongo:8.0.29" (mongodbImage). */
    readonly image?: string;
    /** Number of members, odd. Defaults to 3 (mongodbMembers). */
    readonly members?: number;
    /** Replica-set name. Defaults to "rs0" (mongodbReplicaSetName). */
    readonly replicaSetName?: string;
    /** Database the application user may read and write. Defaults to "rocketchat" (mongodbDatabase). */
    readonly database?: string;
    /** Cluster DNS domain used in member host names. Defaults to "cluster.local" (clusterDomain). */
    readonly clusterDomain?: string;
    /** StorageClass of the data volumes. Defaults to undefined: the cluster's default class (mongodbStorageClass ""). */
    readonly storageClassName?: string;
    /** Size of each member's data volume. Defaults to "20Gi" (mongodbStorageSize). */
    readonly storageSize?: string;
    /** Requests and limits of the mongod container. Defaults to 500m/2 CPU, 2Gi/2Gi memory (mongodbCpu/Memory Request/Limit). */
    readonly resources?: ResourceSettings;
    /** Hard or soft one-member-per-node placement. Defaults to "required" (podAntiAffinity). */
    readonly antiAffinity?: AntiAffinityMode;
    /** Zones the nodes spread over: with zones on, members spread over them with maxSkew 1. Defaults to 0, off (topologyZones). */
    readonly zones?: number;
    /** Run as the image's mongodb UID (999); false lets the platform assign one. Defaults to true (fixedUids). */
    readonly fixedUid?: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** The mongodbAllowMemberRemoval opt-in (see bootstrap.js planMembers). Defaults to false. */
    readonly allowMemberRemoval?: boolean;
    /** Deleting the StatefulSet deletes the members' data claims too (deleteDataOnDestroy). Defaults to false: they stay. */
    readonly deleteDataOnDelete?: boolean;
}

/** The defaults of MongoReplicaSetSettings, one place: Pulumi.yaml's values for the settings they come from. */
export const mongoReplicaSetDefaults = {
    image: "mongo:8.0.29",
    members: 3,
    replicaSetName: "rs0",
    database: "rocketchat",
    clusterDomain: "cluster.local",
    storageSize: "20Gi",
    resources: { cpuRequest: "500m", cpuLimit: "2", memoryRequest: "2Gi", memoryLimit: "2Gi" },
    antiAffinity: "required",
    zones: 0,
    fixedUid: true,
    allowMemberRemoval: false,
    deleteDataOnDelete: false,
} as const satisfies Required<Omit<MongoReplicaSetSettings, "namespace" | "storageClassName" | "placement">>;

type ResolvedSettings = Required<Omit<MongoReplicaSetSettings, "storageClassName" | "placement">> & Pick<MongoReplicaSetSettings, "storageClassName" | "placement">;

/** The settings with every default filled in. */
export function resolveReplicaSetSettings(args: MongoReplicaSetSettings): ResolvedSettings {
    const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
    return { ...mongoReplicaSetDefaults, ...given } as ResolvedSettings;
}

/** Member host names (host:port) of the replica set these settings describe. */
export function replicaSetHostsOf(name: string, args: MongoReplicaSetSettings): string[] {
    const s = resolveReplicaSetSettings(args);
    return replicaSetHosts(name, s.namespace, s.clusterDomain, s.members);
}

/** The application's connection string (majority writes, retryable), given the app user's name (its generation's, see credentialPlan.ts) and password. */
export function mongoConnectionUri(name: string, args: MongoReplicaSetSettings, appPassword: string, appUsername: string = mongoUsernames.app): string {
    const s = resolveReplicaSetSettings(args);
    return `mongodb://${appUsername}:${appPassword}@${replicaSetHostsOf(name, s).join(",")}/${s.database}?replicaSet=${s.replicaSetName}&authSource=admin&w=majority&retryWrites=true`;
}

export interface ReplicaSetObjectsArgs<V> extends MongoReplicaSetSettings {
    /** Name of the Secret with the MongoDB users (credentialObjects.ts); an Output in the program. */
    readonly usersSecretName: string | V;
    /** Name of the Secret with the keyfile (credentialObjects.ts); an Output in the program. */
    readonly keyfileSecretName: string | V;
    /** The connection string (mongoConnectionUri with the generated password); a secret in the program. */
    readonly connectionUri: V;
    /** Which generation of each credential this run declares (credentialPlan.ts). Defaults to every credential at 0. */
    readonly credentialPlan?: CredentialPlan;
}

export interface ReplicaSetObjects<V> {
    readonly headlessService: Built<IService, V>;
    readonly clientService: Built<IService, V>;
    readonly statefulSet: ReturnType<typeof statefulSetObject<V>>;
    readonly disruptionBudget: Built<IPodDisruptionBudget, V>;
    readonly networkPolicy: Built<INetworkPolicy, V>;
    readonly connectionSecret: Built<ISecret, V>;
    readonly bootstrap: BootstrapJobObjects<V>;
    /** Raises the featureCompatibilityVersion once the StatefulSet has rolled (featureCompatibilityJob.ts). */
    readonly finalize: ReturnType<typeof featureCompatibilityJob<V>>;
    /** Keeps each member's claim at mongodbStorageSize (memberVolumes.ts): patches, not objects of the stack. */
    readonly claimPatches: IPersistentVolumeClaim[];
}

const mongosh = (script: string) => ["mongosh", "--quiet", "--norc", "--eval", script];

function statefulSetObject<V>(name: string, s: ResolvedSettings, args: ReplicaSetObjectsArgs<V>, labels: Record<string, string>) {
    const { statefulSet: stsName, headless: headlessName } = replicaSetObjectNames(name);
    const selector = mongoSelectorLabels(name);
    const root = mongoUserRef("root");
    const ping = mongosh("db.adminCommand('ping').ok");
    // hello needs no authentication; a member is ready once it is primary or secondary.
    const primaryOrSecondary = mongosh("const h = db.hello(); if (!(h.isWritablePrimary || h.secondary)) { quit(1) }");
    const uid = s.fixedUid ? mongoImageUid : undefined;
    const podVolumes = [
        { name: "keyfile-secret", secret: { secretName: args.keyfileSecretName, defaultMode: 0o400 } },
        { name: "keyfile", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
        {
            name: "root-credentials",
            secret: {
                secretName: args.usersSecretName,
                // Owner and fsGroup may read: mongod's user reads it through the group.
                defaultMode: 0o440,
                items: [
                    { key: root.usernameKey, path: "username" },
                    { key: root.passwordKey, path: "password" },
                ],
            },
        },
        { name: "configdb", emptyDir: { sizeLimit: "16Mi" } },
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ];
    return {
        apiVersion: "apps/v1" as const,
        kind: "StatefulSet" as const,
        metadata: { name: stsName, namespace: s.namespace, labels },
        spec: {
            serviceName: headlessName,
            replicas: s.members,
            // The bootstrap needs every member up before any can be Ready.
            podManagementPolicy: "Parallel",
            selector: { matchLabels: selector },
            updateStrategy: { type: "RollingUpdate" },
            // Scaling down never deletes data volumes; deleting the set only with deleteDataOnDestroy.
            persistentVolumeClaimRetentionPolicy: { whenDeleted: s.deleteDataOnDelete ? "Delete" : "Retain", whenScaled: "Retain" },
            template: {
                // A keyfile rotation changes this annotation: the members restart one at a
                // time and read the new keyfile (mongod reads it at start only). The root
                // password does not belong here: the preStop step-down falls back (preStop.ts).
                metadata: placementMetadata(s.placement, { ...labels, ...mongoClientLabels(name) }, rolloutAnnotations(args.credentialPlan ?? unrotatedPlan, ["keyfile"])),
                spec: {
                    ...placementSpec(s.placement),
                    ...podPlacement(selector, { antiAffinity: s.antiAffinity, zones: s.zones, countLostZones: true }),
                    securityContext: restrictedPodSecurity(uid),
                    // The preStop step-down (catch-up included) and mongod's own clean shutdown fit in here.
                    terminationGracePeriodSeconds: 60,
                    automountServiceAccountToken: false,
                    initContainers: [{
                        // mongod refuses a group-readable keyfile, and fsGroup makes
                        // Secret volumes group-readable: copy it with mode 0400.
                        name: "install-keyfile",
                        image: s.image,
                        command: ["sh", "-c", "cp /keyfile-secret/keyfile /keyfile/keyfile && chmod 0400 /keyfile/keyfile"],
                        securityContext: restrictedContainerSecurity(),
                        resources: resources({ cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "100m", memoryLimit: "32Mi" }),
                        volumeMounts: [
                            { name: "keyfile-secret", mountPath: "/keyfile-secret", readOnly: true },
                            { name: "keyfile", mountPath: "/keyfile" },
                        ],
                    }],
                    containers: [{
                        name: "mongod",
                        image: s.image,
                        // The image's entrypoint creates the root user on an empty
                        // data volume (without --replSet/--keyFile), then starts these args.
                        args: [
                            "mongod",
                            "--replSet", s.replicaSetName,
                            "--keyFile", "/keyfile/keyfile",
                            "--bind_ip_all",
                            "--port", String(mongoPort),
                            "--dbpath", "/data/db",
                            "--wiredTigerCacheSizeGB", String(wiredTigerCacheGb(s.resources.memoryLimit)),
                        ],
                        env: [
                            // The entrypoint reads *_FILE variants: the root credentials
                            // stay files, out of the process environment.
                            { name: "MONGO_INITDB_ROOT_USERNAME_FILE", value: `${rootCredentialsPath}/username` },
                            { name: "MONGO_INITDB_ROOT_PASSWORD_FILE", value: `${rootCredentialsPath}/password` },
                            // mongosh in the probes writes its history under $HOME.
                            { name: "HOME", value: "/tmp" },
                        ],
                        ports: [{ name: "mongodb", containerPort: mongoPort }],
                        resources: resources(s.resources, podVolumes),
                        securityContext: restrictedContainerSecurity(),
                        // Journal recovery after a crash can take minutes: 10 minutes before liveness applies.
                        startupProbe: execProbe(ping, { periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 60 }),
                        livenessProbe: execProbe(ping, { periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 6 }),
                        // Ready = PRIMARY or SECONDARY: a rolling update moves to the next member only then.
                        readinessProbe: execProbe(primaryOrSecondary, { periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 3 }),
                        // A primary hands over before it stops (preStop.ts).
                        lifecycle: { preStop: { exec: { command: stepDownCommand() } } },
                        volumeMounts: [
                            { name: "data", mountPath: "/data/db" },
                            { name: "keyfile", mountPath: "/keyfile", readOnly: true },
                            { name: "root-credentials", mountPath: rootCredentialsPath, readOnly: true },
                            { name: "configdb", mountPath: "/data/configdb" },
                            { name: "tmp", mountPath: "/tmp" },
                        ],
                    }],
                    volumes: podVolumes,
                },
            },
            volumeClaimTemplates: [{
                metadata: { name: memberVolumeTemplateName, labels: selector },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}),
                    resources: { requests: { storage: s.storageSize } },
                },
            }],
        },
    };
}

export function replicaSetObjects<V>(name: string, args: ReplicaSetObjectsArgs<V>): ReplicaSetObjects<V> {
    const s = resolveReplicaSetSettings(args);
    const selector = mongoSelectorLabels(name);
    const labels = standardLabels(mongoIdentity(name), imageParts(s.image).tag);
    const { statefulSet: stsName, headless: headlessName } = replicaSetObjectNames(name);
    const namespace = s.namespace;
    const hosts = replicaSetHostsOf(name, s);
    return {
        // Members must resolve each other before any is Ready.
        headlessService: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: headlessName, namespace, labels },
            spec: {
                clusterIP: "None",
                publishNotReadyAddresses: true,
                selector,
                ports: [{ name: "mongodb", port: mongoPort, targetPort: "mongodb" }],
            },
        },
        clientService: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: stsName, namespace, labels },
            spec: { selector, ports: [{ name: "mongodb", port: mongoPort, targetPort: "mongodb" }] },
        },
        statefulSet: statefulSetObject(name, s, args, labels),
        // One member at a time may be evicted: a majority stays for any odd size >= 3.
        disruptionBudget: {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name: stsName, namespace, labels },
            spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
        },
        networkPolicy: workloadIngressPolicy({ name: stsName, namespace, labels }, selector, [{
            // Members replicate to each other; clients carry the client label.
            from: [
                { podSelector: { matchLabels: selector } },
                { podSelector: { matchLabels: mongoClientLabels(name) } },
            ],
            ports: [{ protocol: "TCP", port: mongoPort }],
        }]),
        connectionSecret: {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: mongoConnectionSecretName(name), namespace, labels },
            type: "Opaque",
            stringData: { [mongoConnectionSecretKey]: args.connectionUri },
        },
        bootstrap: bootstrapJobObjects({
            statefulSetName: stsName,
            namespace,
            image: s.image,
            replicaSetName: s.replicaSetName,
            database: s.database,
            hosts,
            labels,
            clientLabels: mongoClientLabels(name),
            uid: s.fixedUid ? mongoImageUid : undefined,
            placement: s.placement,
            allowMemberRemoval: s.allowMemberRemoval,
            usersSecretName: args.usersSecretName,
            credentialPlan: args.credentialPlan,
        }),
        claimPatches: memberClaimPatches({ statefulSetName: stsName, namespace, members: s.members, storageSize: s.storageSize }),
        finalize: featureCompatibilityJob({
            statefulSetName: stsName,
            namespace,
            image: s.image,
            replicaSetName: s.replicaSetName,
            hosts,
            labels,
            clientLabels: mongoClientLabels(name),
            uid: s.fixedUid ? mongoImageUid : undefined,
            placement: s.placement,
            usersSecretName: args.usersSecretName,
        }),
    };
}
