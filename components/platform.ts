/**
 * The whole deployment for one stack: namespace, credentials, the MongoDB
 * replica set, Keycloak client, Rocket.Chat, backups, channels and monitoring. It maps validated
 * settings onto each component's args; components never read config.
 */
import { componentTypes, withFormerTypes } from "./componentTypes";
import * as k8s from "./k8s";
import * as pulumi from "@pulumi/pulumi";
import { Credentials } from "./credentials";
import { MongoBackups } from "./backup/backups";
import { backupsArgsFromSettings } from "./backup/backupSettings";
import { backupCronJobNames } from "./backup/cronJobNames";
import { ChannelsReconciler } from "./channels/channelsReconciler";
import { rocketchatApiClientLabels } from "./channels/apiAccess";
import { KeycloakClient } from "./keycloak";
import { recordFromPairs } from "./keyValuePairs";
import { denyIngressByDefault } from "./networkIsolation";
import { Monitoring } from "./monitoring/monitoring";
import { httpPort } from "./rocketchat/environment";
import { RocketChat } from "./rocketchat/rocketchat";
import { MongoReplicaSet, mongoImageUid, replicaSetHosts } from "./mongodb/replicaSet";
import { DeploymentRecord, deploymentRecord } from "./upgrades/deploymentRecord";
import { declareUpgradeGuardJob } from "./upgrades/upgradeGuardJob";
import { placementFor } from "./placement";
import { envFromSecret, ResourceSettings } from "./podShapes";
import { mostRocketchatPods, Settings } from "./settings";

/** Requests and limits of a workload from its four `<prefix>Cpu/Memory Request/Limit` settings. */
function resourceSettings(s: Settings, prefix: "mongodb" | "rocketchat" | "backup"): ResourceSettings {
    return {
        cpuRequest: s[`${prefix}CpuRequest`],
        cpuLimit: s[`${prefix}CpuLimit`],
        memoryRequest: s[`${prefix}MemoryRequest`],
        memoryLimit: s[`${prefix}MemoryLimit`],
    };
}

export interface RocketChatPlatformArgs {
    /** Validated stack settings (see components/config.ts). */
    readonly settings: Settings;
    /**
     * What the previous successful run deployed, already checked by the
     * upgrade guard (components/upgrades/upgradeGuard.ts). With it, an upgrade
     * guard Job runs before the StatefulSet and the Deployment change.
     * Defaults to none: a first install.
     */
    readonly previous?: DeploymentRecord;
}

/**
 * BACKUP_RETENTION of the pre-upgrade backup. Retention prunes only below a
 * verified archive and the restore test verifies nightly archives only, so in
 * practice every pre-upgrade archive is kept until an operator deletes it.
 */
const preUpgradeRetention = 3;

/** The deployment record this run will write once it completes: the next run's guard reads it. */
export function recordFor(name: string, s: Settings): DeploymentRecord {
    return deploymentRecord(s.rocketchatImage, s.mongodbImage, s.mongodbReplicaSetName, replicaSetHosts(name, s.namespace, s.clusterDomain, s.mongodbMembers));
}

export class RocketChatPlatform extends pulumi.ComponentResource {
    public readonly namespace: string;
    public readonly mongodb: MongoReplicaSet;
    public readonly credentials: Credentials;
    public readonly rocketchat: RocketChat;
    /** The Keycloak client, or undefined when ssoEnabled is false. */
    public readonly keycloak?: KeycloakClient;
    /** Backups and restore, or undefined when backupEnabled is false and no restore is asked for. */
    public readonly backups?: MongoBackups;
    /** The channel reconciler, or undefined when no channels are configured. */
    public readonly channels?: ChannelsReconciler;
    /** Exporter, scrape objects, alerts and dashboard, or undefined when monitoringEnabled is false. */
    public readonly monitoring?: Monitoring;
    /** The upgrade guard Job, or undefined on a first install or when versions and members stay as recorded. */
    public readonly upgradeGuard?: k8s.batch.v1.Job;
    /** What this run deployed; resolves once the bootstrap Job completed. */
    public readonly deploymentRecord: pulumi.Output<DeploymentRecord>;

    constructor(name: string, args: RocketChatPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.Platform.token, name, {}, withFormerTypes("Platform", opts));
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

        denyIngressByDefault(name, s.namespace, inNamespace);

        this.credentials = new Credentials(name, {
            namespace: s.namespace,
            adminUsername: s.adminUsername,
            adminEmail: s.adminEmail || `${s.adminUsername}@${s.hostname}`,
        }, inNamespace);

        // The guard Job is declared after the backups it uses, but both workloads
        // must wait for it: they depend on a promise resolved once it exists.
        let guardDeclared!: (resources: pulumi.Resource[]) => void;
        const guard = new Promise<pulumi.Resource[]>((resolve) => { guardDeclared = resolve; });

        this.mongodb = new MongoReplicaSet(name, {
            namespace: s.namespace,
            image: s.mongodbImage,
            members: s.mongodbMembers,
            replicaSetName: s.mongodbReplicaSetName,
            database: s.mongodbDatabase,
            clusterDomain: s.clusterDomain,
            storageClassName: s.mongodbStorageClass || undefined,
            storageSize: s.mongodbStorageSize,
            resources: resourceSettings(s, "mongodb"),
            antiAffinity: s.podAntiAffinity,
            zones: s.topologyZones,
            placement: placementFor(s, "mongodb"),
            fixedUid: s.fixedUids,
            credentials: this.credentials,
            allowMemberRemoval: s.mongodbAllowMemberRemoval,
            startAfter: guard,
        }, inNamespace);

        this.keycloak = s.ssoEnabled
            ? new KeycloakClient(name, { realm: s.keycloakRealm, clientId: s.keycloakClientId, hostname: s.hostname, groups: s.keycloakGroups }, { parent: this })
            : undefined;
        this.rocketchat = this.declareRocketChat(name, s, inNamespace, guard);

        this.backups = this.declareBackups(name, s, inNamespace);
        const record = recordFor(name, s);
        // Only a change of versions or members is guarded (and backed up first); a first install has nothing to guard.
        const changes = args.previous !== undefined && JSON.stringify(args.previous) !== JSON.stringify(record);
        this.upgradeGuard = changes ? this.declareUpgradeGuard(name, s, args.previous!, record, inNamespace) : undefined;
        guardDeclared(this.upgradeGuard ? [this.upgradeGuard] : []);
        this.deploymentRecord = this.mongodb.bootstrap.status.apply(() => record);
        this.channels = this.declareChannels(name, s, inNamespace);
        this.monitoring = this.declareMonitoring(name, s, inNamespace, namespaceDeps);

        this.registerOutputs({ namespace: this.namespace });
    }

    /** The pre-upgrade Job both workloads wait for: live checks, member removal, a backup apart from the nightly ones. */
    private declareUpgradeGuard(name: string, s: Settings, previous: DeploymentRecord, next: DeploymentRecord, opts: pulumi.ComponentResourceOptions): k8s.batch.v1.Job {
        const creds = this.credentials;
        return declareUpgradeGuardJob({
            instance: name,
            namespace: s.namespace,
            image: s.mongodbImage,
            replicaSetName: s.mongodbReplicaSetName,
            hosts: this.mongodb.hosts,
            previous,
            next,
            allowMemberRemoval: s.mongodbAllowMemberRemoval,
            labels: { "app.kubernetes.io/part-of": "rocketchat-ha", "app.kubernetes.io/instance": name, "app.kubernetes.io/name": "upgrade-guard" },
            clientLabels: this.mongodb.clientLabels,
            uid: s.fixedUids ? mongoImageUid : undefined,
            placement: placementFor(s, "mongodb"),
            rootCredentialEnv: [
                envFromSecret("ROOT_USERNAME", creds.mongoUsersSecretName, creds.root.usernameKey),
                envFromSecret("ROOT_PASSWORD", creds.mongoUsersSecretName, creds.root.passwordKey),
            ],
            backup: this.backups && s.backupEnabled
                ? {
                    claimName: this.backups.claimName,
                    credentials: { secretName: creds.mongoUsersSecretName, usernameKey: creds.backup.usernameKey, passwordKey: creds.backup.passwordKey },
                    retention: preUpgradeRetention,
                    appDatabase: s.mongodbDatabase,
                    resources: resourceSettings(s, "backup"),
                }
                : undefined,
        }, { parent: this, dependsOn: (opts.dependsOn ?? []) as pulumi.Resource[] });
    }

    private declareRocketChat(name: string, s: Settings, opts: pulumi.ComponentResourceOptions, guard: Promise<pulumi.Resource[]>): RocketChat {
        const mostPods = mostRocketchatPods(s);
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
            resources: resourceSettings(s, "rocketchat"),
            antiAffinity: s.podAntiAffinity,
            zones: s.topologyZones,
            schedulableNodes: s.schedulableNodes,
            placement: placementFor(s, "rocketchat"),
            extraEnv: s.rocketchatExtraEnv,
            fixedUid: s.fixedUids,
            mongodbClientLabels: this.mongodb.clientLabels,
            // On a first install Rocket.Chat would crash-loop until the users exist.
            startAfter: guard.then((guardJobs) => [this.mongodb.bootstrap, ...guardJobs]),
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
                metricsPort: s.monitoringEnabled ? s.monitoringRocketchatPort : undefined,
            },
            metricsScraperNamespace: s.monitoringEnabled ? s.monitoringNamespace : undefined,
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

    /** Reconciles the configured channels once Rocket.Chat is up; none while a restore keeps it at zero. */
    private declareChannels(name: string, s: Settings, opts: pulumi.ComponentResourceOptions): ChannelsReconciler | undefined {
        if (!((s.channels.length > 0 || s.channelsPrune) && s.restoreArchive === "")) {
            return undefined;
        }
        return new ChannelsReconciler(name, {
            namespace: s.namespace,
            channels: s.channels,
            prune: s.channelsPrune,
            rocketchatUrl: `http://${this.rocketchat.serviceName}.${s.namespace}.svc.${s.clusterDomain}:${httpPort}`,
            adminSecretName: this.credentials.adminSecretName,
            apiClientLabels: rocketchatApiClientLabels(name),
            placement: placementFor(s, "channels"),
            fixedUid: s.fixedUids,
            after: [this.rocketchat],
        }, opts);
    }

    /** Scrape targets, alerts and the dashboard when the stack turns monitoring on. */
    private declareMonitoring(name: string, s: Settings, opts: pulumi.ComponentResourceOptions, namespaceDeps: pulumi.Resource[]): Monitoring | undefined {
        if (!s.monitoringEnabled) {
            return undefined;
        }
        return new Monitoring(name, {
            namespace: s.namespace,
            scraperNamespace: s.monitoringNamespace,
            exporter: {
                image: s.monitoringExporterImage,
                memberHosts: this.mongodb.hosts,
                credentials: {
                    secretName: this.credentials.mongoUsersSecretName,
                    usernameKey: this.credentials.monitoring.usernameKey,
                    passwordKey: this.credentials.monitoring.passwordKey,
                },
                mongodbClientLabels: this.mongodb.clientLabels,
                placement: placementFor(s, "exporter"),
                fixedUid: s.fixedUids,
            },
            rocketchat: { selector: this.rocketchat.selector, metricsPort: s.monitoringRocketchatPort },
            watched: {
                rocketchatDeployment: this.rocketchat.deploymentName,
                // The autoscaler carries the Deployment's name and is dropped while a restore runs.
                autoscaler: s.autoscalingEnabled && s.restoreArchive === "" ? this.rocketchat.deploymentName : undefined,
                mongodbStatefulSet: this.mongodb.statefulSetName,
                backupCronJobs: s.backupEnabled ? backupCronJobNames(name) : undefined,
            },
            backupSchedules: s.backupEnabled ? { backup: s.backupSchedule, verify: s.backupVerifySchedule } : undefined,
            thresholds: {
                replicationLagSeconds: s.monitoringReplicationLagSeconds,
                notReadyMinutes: s.monitoringNotReadyMinutes,
                autoscalerMaxedMinutes: s.monitoringAutoscalerMaxedMinutes,
                backupGraceMinutes: s.monitoringBackupGraceMinutes,
            },
            prometheusOperator: s.monitoringPrometheusOperator,
            selectorLabels: recordFromPairs(s.monitoringSelectorLabels),
            dashboard: {
                name: s.monitoringDashboardName,
                namespace: s.monitoringDashboardNamespace || s.namespace,
                sidecarLabel: recordFromPairs([s.monitoringDashboardLabel]),
            },
        // The exporter logs in as the monitoring user, which the bootstrap creates.
        }, { ...opts, dependsOn: [...namespaceDeps, this.mongodb.bootstrap] });
    }

    /** Backup schedules and, while restoreArchive is set, the restore Job. */
    private declareBackups(name: string, s: Settings, opts: pulumi.ComponentResourceOptions): MongoBackups | undefined {
        const args = backupsArgsFromSettings(s, {
            mongodb: { hosts: this.mongodb.hosts, replicaSetName: this.mongodb.replicaSetName, clientLabels: this.mongodb.clientLabels },
            usersSecretName: this.credentials.mongoUsersSecretName,
            backupUser: { usernameKey: this.credentials.backup.usernameKey, passwordKey: this.credentials.backup.passwordKey },
            restoreUser: { usernameKey: this.credentials.restore.usernameKey, passwordKey: this.credentials.restore.passwordKey },
            uploadsClaimName: this.rocketchat.uploadsClaimName,
            rocketchatSelector: this.rocketchat.selector,
        });
        return args && new MongoBackups(name, {
            ...args,
            mongodbReady: this.mongodb.bootstrap,
            // Rocket.Chat is at zero replicas before anything is restored.
            restoreDependsOn: [this.rocketchat],
        }, opts);
    }
}
