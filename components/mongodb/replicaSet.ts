/**
 * A MongoDB replica set on a StatefulSet: headless and client Services,
 * keyfile authentication, probes, a PodDisruptionBudget, a NetworkPolicy and
 * an idempotent bootstrap Job (see bootstrap.js).
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { Credentials, MongoUser } from "../credentials";
import { selectorLabels, standardLabels } from "../labels";
import {
    AntiAffinityMode,
    envFromSecret,
    execProbe,
    resources,
    ResourceSettings,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    podPlacement,
} from "../podShapes";
import { imageParts } from "../validators";
import { declareBootstrapJob } from "./bootstrapJob";
import { memberHosts, wiredTigerCacheGb } from "./sizing";
import { rootCredentialsPath, stepDownCommand } from "./preStop";

export const mongoPort = 27017;
/** The UID and GID of the `mongodb` user in the official image. */
export const mongoImageUid = 999;

export interface MongoReplicaSetArgs {
    /** Namespace of every object. */
    readonly namespace: string;
    /** Official mongo image with an exact 7.0.x/8.0.x tag or digest. */
    readonly image: string;
    /** Number of members, odd. */
    readonly members: number;
    /** Replica-set name. Defaults to "rs0" in Pulumi.yaml. */
    readonly replicaSetName: string;
    /** Database the application user may read and write. */
    readonly database: string;
    /** Cluster DNS domain used in member host names. */
    readonly clusterDomain: string;
    /** StorageClass of the data volumes; undefined uses the cluster default. */
    readonly storageClassName?: string;
    /** Size of each member's data volume. */
    readonly storageSize: string;
    /** Requests and limits of the mongod container. */
    readonly resources: ResourceSettings;
    /** Hard or soft one-member-per-node placement. */
    readonly antiAffinity: AntiAffinityMode;
    /** Zones the nodes spread over (topologyZones): with zones on, members spread over them with maxSkew 1. Defaults to 0 (off). */
    readonly zones?: number;
    /** Run as the image's mongodb UID (999); undefined lets the platform assign one. */
    readonly fixedUid: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** Generated users and keyfile. */
    readonly credentials: Credentials;
    /** The mongodbAllowMemberRemoval opt-in (see bootstrap.js planMembers). Defaults to false. */
    readonly allowMemberRemoval?: boolean;
    /** What must complete before the StatefulSet is created or changed (the upgrade guard Job). Defaults to none. */
    readonly startAfter?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

/** Names of the StatefulSet and its headless Service for an instance. */
export function replicaSetObjectNames(name: string): { statefulSet: string; headless: string } {
    const statefulSet = `${name}-mongodb`;
    return { statefulSet, headless: `${statefulSet}-headless` };
}

/** Member host names (host:port) the instance's members get. */
export function replicaSetHosts(name: string, namespace: string, clusterDomain: string, members: number): string[] {
    const names = replicaSetObjectNames(name);
    return memberHosts(names.statefulSet, names.headless, namespace, clusterDomain, members);
}

export class MongoReplicaSet extends pulumi.ComponentResource {
    /** Host names (host:port) of the members, in member order. */
    public readonly hosts: string[];
    /** Secret with key `mongo-url`: the application's replica-set connection string. */
    public readonly connectionSecretName: pulumi.Output<string>;
    /** Labels a pod needs so the NetworkPolicy lets it reach the members. */
    public readonly clientLabels: Record<string, string>;
    /** The bootstrap Job: depend on it before using the database. */
    public readonly bootstrap: k8s.batch.v1.Job;
    public readonly statefulSetName: string;
    public readonly replicaSetName: string;

    constructor(name: string, args: MongoReplicaSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.MongoReplicaSet.token, name, {}, withFormerTypes("MongoReplicaSet", opts));
        const child = childOf(this, opts);
        const id = { instance: name, name: "mongodb", component: "database" };
        const selector = selectorLabels(id);
        const labels = standardLabels(id, imageParts(args.image).tag);
        const { statefulSet: stsName, headless: headlessName } = replicaSetObjectNames(name);
        const namespace = args.namespace;
        const creds = args.credentials;

        this.statefulSetName = stsName;
        this.replicaSetName = args.replicaSetName;
        this.hosts = replicaSetHosts(name, namespace, args.clusterDomain, args.members);
        this.clientLabels = { "rocketchat-ha.io/mongodb-client": name };

        const userEnv = (prefix: string, user: MongoUser) => [
            envFromSecret(`${prefix}_USERNAME`, creds.mongoUsersSecretName, user.usernameKey),
            envFromSecret(`${prefix}_PASSWORD`, creds.mongoUsersSecretName, user.passwordKey),
        ];

        // Members must resolve each other before any is Ready.
        new k8s.core.v1.Service(headlessName, {
            metadata: { name: headlessName, namespace, labels },
            spec: {
                clusterIP: "None",
                publishNotReadyAddresses: true,
                selector,
                ports: [{ name: "mongodb", port: mongoPort, targetPort: "mongodb" }],
            },
        }, child);

        new k8s.core.v1.Service(stsName, {
            metadata: { name: stsName, namespace, labels },
            spec: { selector, ports: [{ name: "mongodb", port: mongoPort, targetPort: "mongodb" }] },
        }, child);

        const mongosh = (script: string) => ["mongosh", "--quiet", "--norc", "--eval", script];
        const ping = mongosh("db.adminCommand('ping').ok");
        // hello needs no authentication; a member is ready once it is primary or secondary.
        const primaryOrSecondary = mongosh("const h = db.hello(); if (!(h.isWritablePrimary || h.secondary)) { quit(1) }");
        const uid = args.fixedUid ? mongoImageUid : undefined;
        const podVolumes: k8s.types.input.core.v1.Volume[] = [
            { name: "keyfile-secret", secret: { secretName: creds.keyfileSecretName, defaultMode: 0o400 } },
            { name: "keyfile", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
            {
                name: "root-credentials",
                secret: {
                    secretName: creds.mongoUsersSecretName,
                    // Owner and fsGroup may read: mongod's user reads it through the group.
                    defaultMode: 0o440,
                    items: [
                        { key: creds.root.usernameKey, path: "username" },
                        { key: creds.root.passwordKey, path: "password" },
                    ],
                },
            },
            { name: "configdb", emptyDir: { sizeLimit: "16Mi" } },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
        ];

        new k8s.apps.v1.StatefulSet(stsName, {
            metadata: { name: stsName, namespace, labels },
            spec: {
                serviceName: headlessName,
                replicas: args.members,
                // The bootstrap needs every member up before any can be Ready.
                podManagementPolicy: "Parallel",
                selector: { matchLabels: selector },
                updateStrategy: { type: "RollingUpdate" },
                // Scaling down or deleting the set never deletes data volumes.
                persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                template: {
                    metadata: placementMetadata(args.placement, { ...labels, ...this.clientLabels }),
                    spec: {
                        ...placementSpec(args.placement),
                        ...podPlacement(selector, { antiAffinity: args.antiAffinity, zones: args.zones ?? 0 }),
                        securityContext: restrictedPodSecurity(uid),
                        // The preStop step-down (catch-up included) and mongod's own clean shutdown fit in here.
                        terminationGracePeriodSeconds: 60,
                        automountServiceAccountToken: false,
                        initContainers: [{
                            // mongod refuses a group-readable keyfile, and fsGroup makes
                            // Secret volumes group-readable: copy it with mode 0400.
                            name: "install-keyfile",
                            image: args.image,
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
                            image: args.image,
                            // The image's entrypoint creates the root user on an empty
                            // data volume (without --replSet/--keyFile), then starts these args.
                            args: [
                                "mongod",
                                "--replSet", args.replicaSetName,
                                "--keyFile", "/keyfile/keyfile",
                                "--bind_ip_all",
                                "--port", String(mongoPort),
                                "--dbpath", "/data/db",
                                "--wiredTigerCacheSizeGB", String(wiredTigerCacheGb(args.resources.memoryLimit)),
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
                            resources: resources(args.resources, podVolumes),
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
                    metadata: { name: "data", labels: selector },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
                        resources: { requests: { storage: args.storageSize } },
                    },
                }],
            },
        // Children do not inherit the component's dependsOn: the StatefulSet names what it waits for.
        }, childOf(this, opts, args.startAfter));

        // One member at a time may be evicted: a majority stays for any odd size >= 3.
        new k8s.policy.v1.PodDisruptionBudget(stsName, {
            metadata: { name: stsName, namespace, labels },
            spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
        }, child);

        new k8s.networking.v1.NetworkPolicy(stsName, {
            metadata: { name: stsName, namespace, labels },
            spec: {
                podSelector: { matchLabels: selector },
                policyTypes: ["Ingress"],
                ingress: [{
                    // Members replicate to each other; clients carry the client label.
                    from: [
                        { podSelector: { matchLabels: selector } },
                        { podSelector: { matchLabels: this.clientLabels } },
                    ],
                    ports: [{ protocol: "TCP", port: mongoPort }],
                }],
            },
        }, child);

        const appUri = pulumi.interpolate`mongodb://${creds.app.username}:${creds.app.password}@${this.hosts.join(",")}/${args.database}?replicaSet=${args.replicaSetName}&authSource=admin&w=majority&retryWrites=true`;
        const connection = new k8s.core.v1.Secret(`${stsName}-connection`, {
            metadata: { name: `${stsName}-connection`, namespace, labels },
            type: "Opaque",
            stringData: { "mongo-url": pulumi.secret(appUri) },
        }, child);
        this.connectionSecretName = connection.metadata.name;

        this.bootstrap = declareBootstrapJob({
            statefulSetName: stsName,
            namespace,
            image: args.image,
            replicaSetName: args.replicaSetName,
            database: args.database,
            hosts: this.hosts,
            labels,
            clientLabels: this.clientLabels,
            uid,
            placement: args.placement,
            allowMemberRemoval: args.allowMemberRemoval ?? false,
            credentialEnv: [
                ...userEnv("ROOT", creds.root),
                ...userEnv("APP", creds.app),
                ...userEnv("BACKUP", creds.backup),
                ...userEnv("RESTORE", creds.restore),
                ...userEnv("MONITORING", creds.monitoring),
            ],
        }, child);

        this.registerOutputs({ hosts: this.hosts, connectionSecretName: this.connectionSecretName });
    }
}
