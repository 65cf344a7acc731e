/**
 * The whole deployment for one stack: namespace, credentials, the MongoDB
 * replica set, Keycloak client, Rocket.Chat and backups. It maps validated
 * settings onto each component's args; components never read config.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Credentials } from "./credentials";
import { MongoReplicaSet } from "./mongodb/replicaSet";
import { Settings } from "./settings";

export interface RocketChatPlatformArgs {
    /** Validated stack settings (see components/config.ts). */
    readonly settings: Settings;
}

export class RocketChatPlatform extends pulumi.ComponentResource {
    public readonly namespace: string;
    public readonly mongodb: MongoReplicaSet;
    public readonly credentials: Credentials;

    constructor(name: string, args: RocketChatPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("rocketchat-ha:index:Platform", name, {}, opts);
        const s = args.settings;
        this.namespace = s.namespace;

        const namespaceDeps: pulumi.Resource[] = [];
        if (s.createNamespace) {
            namespaceDeps.push(new k8s.core.v1.Namespace(s.namespace, {
                metadata: {
                    name: s.namespace,
                    labels: {
                        "app.kubernetes.io/part-of": "rocketchat-ha",
                        "app.kubernetes.io/managed-by": "pulumi",
                        // Every pod here meets the restricted profile; let the cluster enforce it.
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/enforce-version": "latest",
                    },
                },
            }, { parent: this, retainOnDelete: true }));
        }
        const inNamespace = { parent: this, dependsOn: namespaceDeps };

        this.credentials = new Credentials(name, {
            namespace: s.namespace,
            adminUsername: s.adminUsername,
            adminEmail: s.adminEmail || `${s.adminUsername}@${s.hostname}`,
        }, inNamespace);

        this.mongodb = new MongoReplicaSet(name, {
            namespace: s.namespace,
            image: s.mongodbImage,
            members: s.mongodbMembers,
            replicaSetName: s.mongodbReplicaSetName,
            database: s.mongodbDatabase,
            clusterDomain: s.clusterDomain,
            storageClassName: s.mongodbStorageClass || undefined,
            storageSize: s.mongodbStorageSize,
            resources: {
                cpuRequest: s.mongodbCpuRequest,
                cpuLimit: s.mongodbCpuLimit,
                memoryRequest: s.mongodbMemoryRequest,
                memoryLimit: s.mongodbMemoryLimit,
            },
            antiAffinity: s.podAntiAffinity,
            fixedUid: s.fixedUids,
            credentials: this.credentials,
        }, inNamespace);

        // --- Rocket.Chat and Keycloak (issue 3) ---------------------------------
        // (this.rocketchat: exposes uploadsClaimName when uploads use FileSystem)
        // --- end Rocket.Chat ------------------------------------------------------

        // --- Backups, verification and restore (issue 4) -------------------------
        // --- end backups ----------------------------------------------------------

        this.registerOutputs({ namespace: this.namespace });
    }
}
