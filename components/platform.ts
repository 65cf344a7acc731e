/**
 * The whole deployment for one stack: namespace, credentials, the MongoDB
 * replica set, Keycloak client, Rocket.Chat and backups. It maps validated
 * settings onto each component's args; components never read config.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Credentials } from "./credentials";
import { KeycloakClient } from "./keycloak";
import { RocketChat } from "./rocketchat/rocketchat";
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
    public readonly rocketchat: RocketChat;
    /** The Keycloak client, or undefined when ssoEnabled is false. */
    public readonly keycloak?: KeycloakClient;

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
        this.keycloak = s.ssoEnabled
            ? new KeycloakClient(name, { realm: s.keycloakRealm, clientId: s.keycloakClientId, hostname: s.hostname, groups: s.keycloakGroups }, { parent: this })
            : undefined;
        this.rocketchat = this.declareRocketChat(name, s, inNamespace);
        // --- end Rocket.Chat ------------------------------------------------------

        // --- Backups, verification and restore (issue 4) -------------------------
        // --- end backups ----------------------------------------------------------

        this.registerOutputs({ namespace: this.namespace });
    }

    private declareRocketChat(name: string, s: Settings, opts: pulumi.ComponentResourceOptions): RocketChat {
        const mostPods = s.autoscalingEnabled ? Math.max(s.rocketchatReplicas, s.autoscalingMaxReplicas) : s.rocketchatReplicas;
        if (mostPods > 1 && !s.licenseSecretName) {
            pulumi.log.warn(
                `Rocket.Chat may run ${mostPods} pods but no licenseSecretName is set: several instances need the ` +
                "Enterprise 'scalability' licence to broadcast events to each other; without it Rocket.Chat logs a warning " +
                "and users on different pods miss real-time updates.",
                this,
            );
        }
        const oauthSecret = this.keycloak
            ? new k8s.core.v1.Secret(`${name}-oauth`, {
                metadata: { name: `${name}-oauth`, namespace: s.namespace, labels: { "app.kubernetes.io/part-of": "rocketchat-ha" } },
                type: "Opaque",
                stringData: { "client-secret": this.keycloak.clientSecret },
            }, opts)
            : undefined;
        return new RocketChat(name, {
            namespace: s.namespace,
            platform: s.platform,
            image: s.rocketchatImage,
            replicas: s.rocketchatReplicas,
            autoscaling: s.autoscalingEnabled ? { maxReplicas: s.autoscalingMaxReplicas, cpuPercent: s.autoscalingCpuPercent } : undefined,
            // While a restore runs nothing may write to the database.
            scaledToZero: s.restoreArchive !== "",
            resources: {
                cpuRequest: s.rocketchatCpuRequest,
                cpuLimit: s.rocketchatCpuLimit,
                memoryRequest: s.rocketchatMemoryRequest,
                memoryLimit: s.rocketchatMemoryLimit,
            },
            antiAffinity: s.podAntiAffinity,
            fixedUid: s.fixedUids,
            mongodbClientLabels: this.mongodb.clientLabels,
            rolloutSecrets: [
                this.credentials.app.password,
                this.credentials.adminPassword,
                ...(this.keycloak ? [this.keycloak.clientSecret] : []),
            ],
            environment: {
                hostname: s.hostname,
                connectionSecretName: this.mongodb.connectionSecretName,
                adminSecretName: this.credentials.adminSecretName,
                sso: this.keycloak && oauthSecret
                    ? {
                        serverUrl: `${s.keycloakUrl}${s.keycloakBasePath}`,
                        realm: s.keycloakRealm,
                        clientId: this.keycloak.clientId,
                        clientSecretRef: { name: oauthSecret.metadata.name, key: "client-secret" },
                        buttonLabel: s.keycloakButtonLabel,
                    }
                    : undefined,
                uploads: { storage: s.uploadsStorage, maxFileSizeBytes: s.uploadsMaxFileSizeBytes, mediaTypeWhitelist: s.uploadsMediaTypeWhitelist },
                retention: {
                    enabled: s.retentionEnabled,
                    channelsDays: s.retentionMaxAgeChannelsDays,
                    groupsDays: s.retentionMaxAgeGroupsDays,
                    directDays: s.retentionMaxAgeDirectDays,
                    filesOnly: s.retentionFilesOnly,
                },
                licenseSecretName: s.licenseSecretName || undefined,
                smtpSecretName: s.smtpSecretName || undefined,
            },
            uploadsVolume: s.uploadsStorage === "FileSystem"
                ? { accessMode: s.uploadsAccessMode, storageClassName: s.uploadsStorageClass || undefined, size: s.uploadsStorageSize }
                : undefined,
            exposure: {
                ingressClassName: s.ingressClassName || undefined,
                ingressAnnotations: s.ingressAnnotations,
                tlsSecretName: s.tlsSecretName || undefined,
                ingressControllerNamespace: s.ingressControllerNamespace,
            },
        }, opts);
    }
}
