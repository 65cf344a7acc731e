/**
 * The whole deployment for one stack: namespace, credentials, the MongoDB
 * replica set, Keycloak client, Rocket.Chat, backups, channels and monitoring. It maps validated
 * settings onto each component's args; components never read config.
 */
import { componentTypes, withFormerTypes } from "./componentTypes";
import * as k8s from "./k8s";
import * as pulumi from "@pulumi/pulumi";
import { Credentials, credentialsArgsFromSettings } from "./credentials";
import { previousUsernames } from "./credentialObjects";
import { CredentialPlan, planCredentials, rolloutAnnotations, rotates, rotationWarnings, wantedGenerations } from "./credentialPlan";
import { MongoBackups } from "./backup/backups";
import { backupsArgsFromSettings } from "./backup/backupSettings";
import { ChannelsReconciler } from "./channels/channelsReconciler";
import { channelsReconcilerArgsFromSettings } from "./channels/channelsObjects";
import { KeycloakClient } from "./keycloak";
import { namespaceObject } from "./namespaceObject";
import { denyIngressByDefault } from "./networkIsolation";
import { Monitoring } from "./monitoring/monitoring";
import { monitoringArgsFromSettings } from "./monitoring/monitoringObjects";
import { httpPort } from "./rocketchat/environment";
import { RocketChat } from "./rocketchat/rocketchat";
import { rocketchatArgsFromSettings, rocketchatWarnings } from "./rocketchat/settingsArgs";
import { declareObject } from "./kubernetesObjects";
import { oauthSecretName, oauthSecretObject } from "./sso/oauthSecret";
import { keycloakClientArgsFromSettings } from "./sso/ssoSettings";
import { MongoReplicaSet, mongoImageUid, replicaSetHosts } from "./mongodb/replicaSet";
import { mongoReplicaSetArgsFromSettings } from "./mongodb/replicaSetSettings";
import { dataPlacementOf } from "./upgrades/dataPlacement";
import { signInRecordOf } from "./upgrades/platformSwitches";
import { DeploymentRecord, deploymentRecord } from "./upgrades/deploymentRecord";
import { guardJobNeeded } from "./upgrades/upgradeGuard";
import { declareUpgradeGuardJob } from "./upgrades/upgradeGuardJob";
import { upgradeGuardArgsFromSettings } from "./upgrades/upgradeGuardObjects";
import { resourceSettingsOf } from "./podShapes";
import { Settings } from "./settings";
import { stackIdentityArgsFromSettings, stackIdentityObjects } from "./stackIdentity/stackIdentityObjects";

export interface RocketChatPlatformArgs {
    /** Validated stack settings (see components/config.ts). */
    readonly settings: Settings;
    /** This stack as `<organization>/<project>/<stack>`: the namespace's data belongs to it (stackIdentity/). */
    readonly stack: string;
    /**
     * What the previous successful run deployed, already checked by the
     * upgrade guard (components/upgrades/upgradeGuard.ts). With it, an upgrade
     * guard Job runs before the StatefulSet and the Deployment change.
     * Defaults to none: a first install.
     */
    readonly previous?: DeploymentRecord;
}

/** This run's credential generations, given what the previous run recorded (components/credentialPlan.ts). */
export function credentialPlanFor(s: Settings, previous?: DeploymentRecord): CredentialPlan {
    return planCredentials(previous, wantedGenerations(s));
}

/** The deployment record this run will write once it completes: the next run's guard reads it. */
export function recordFor(name: string, s: Settings, previous?: DeploymentRecord): DeploymentRecord {
    return deploymentRecord(s.rocketchatImage, s.mongodbImage, s.mongodbReplicaSetName, replicaSetHosts(name, s.namespace, s.clusterDomain, s.mongodbMembers),
        credentialPlanFor(s, previous).record, { data: dataPlacementOf(s), signIn: signInRecordOf(s) });
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
    /** What this run deployed; resolves once the bootstrap Job completed and the members rolled. */
    public readonly deploymentRecord: pulumi.Output<DeploymentRecord>;
    /** Which generation of each credential this run declares (the admin's: credentialPlan.credentials.admin.current). */
    public readonly credentialPlan: CredentialPlan;

    constructor(name: string, args: RocketChatPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.Platform.token, name, {}, withFormerTypes("Platform", opts));
        const s = args.settings;
        this.namespace = s.namespace;

        // Always left by destroy, even with deleteDataOnDestroy: it may hold another
        // stack's data (a stack refused by the identity check below declared it too).
        const namespace: pulumi.Resource[] = s.createNamespace
            ? [declareObject(s.namespace, namespaceObject(s.namespace), { parent: this, retainOnDelete: true })]
            : [];
        // Nothing else of the stack is applied in the namespace before this check passed.
        const identity = stackIdentityObjects(name, stackIdentityArgsFromSettings(s, args.stack));
        const identityCheck = declareObject(identity.check.metadata.name, identity.check, { parent: this, dependsOn: namespace });
        const namespaceDeps = [...namespace, identityCheck];
        const inNamespace = { parent: this, dependsOn: namespaceDeps };
        declareObject(identity.marker.metadata.name, identity.marker, { ...inNamespace, retainOnDelete: !s.deleteDataOnDestroy });

        denyIngressByDefault(name, s.namespace, inNamespace);

        /** Which generation of each credential this run declares; index.ts refused bad steps already. */
        this.credentialPlan = credentialPlanFor(s, args.previous);
        for (const warning of rotationWarnings(this.credentialPlan)) {
            pulumi.log.warn(warning, this);
        }
        // Parent only: what a protected value's parent depends on is kept in the state with it.
        this.credentials = new Credentials(name, { ...credentialsArgsFromSettings(s, this.credentialPlan), secretsAfter: namespaceDeps }, { parent: this });

        // The guard Job is declared after the backups it uses, but both workloads
        // must wait for it: they depend on a promise resolved once it exists.
        let guardDeclared!: (resources: pulumi.Resource[]) => void;
        const guard = new Promise<pulumi.Resource[]>((resolve) => { guardDeclared = resolve; });

        this.mongodb = new MongoReplicaSet(name, {
            ...mongoReplicaSetArgsFromSettings(s),
            credentials: this.credentials,
            credentialPlan: this.credentialPlan,
            startAfter: guard,
        }, inNamespace);

        const keycloakArgs = keycloakClientArgsFromSettings(s);
        this.keycloak = keycloakArgs ? new KeycloakClient(name, keycloakArgs, { parent: this }) : undefined;
        this.rocketchat = this.declareRocketChat(name, s, inNamespace, guard);

        this.backups = this.declareBackups(name, s, inNamespace);
        const record = recordFor(name, s, args.previous);
        this.upgradeGuard = guardJobNeeded(args.previous, record) ? this.declareUpgradeGuard(name, s, args.previous!, record, inNamespace) : undefined;
        guardDeclared(this.upgradeGuard ? [this.upgradeGuard] : []);
        this.channels = this.declareChannels(name, s, inNamespace);
        // Written only once the bootstrap completed and every member rolled (and, in an
        // admin rotation, the channels Job changed the password in Rocket.Chat): a keyfile
        // phase or a rotation that did not finish is repeated by the next run, which
        // still declares the previous value.
        // The finalize Job too: the record's featureCompatibilityVersion is only true once it raised it.
        // And the claim patches: the recorded mongodbStorageSize is only true once the apiserver accepted it.
        const awaited: pulumi.Output<unknown>[] = [this.mongodb.bootstrap.status, this.mongodb.statefulSet.status, this.mongodb.finalize.status,
            ...this.mongodb.claimPatches.map((patch) => patch.urn)];
        if (rotates(this.credentialPlan, "admin") && this.channels) {
            awaited.push(this.channels.job.status);
        }
        this.deploymentRecord = pulumi.all(awaited).apply(() => record);
        this.monitoring = this.declareMonitoring(name, s, inNamespace, namespaceDeps);

        this.registerOutputs({ namespace: this.namespace });
    }

    /** The pre-upgrade Job both workloads wait for: live checks, member removal, a backup apart from the nightly ones. */
    private declareUpgradeGuard(name: string, s: Settings, previous: DeploymentRecord, next: DeploymentRecord, opts: pulumi.ComponentResourceOptions): k8s.batch.v1.Job {
        const creds = this.credentials;
        return declareUpgradeGuardJob(upgradeGuardArgsFromSettings(name, s, previous, next, {
            hosts: this.mongodb.hosts,
            mongodbClientLabels: this.mongodb.clientLabels,
            mongoImageUid,
            rootCredentials: { secretName: creds.mongoUsersSecretName, usernameKey: creds.root.usernameKey, passwordKey: creds.root.passwordKey },
            backupCredentials: { secretName: creds.mongoUsersSecretName, usernameKey: creds.backup.usernameKey, passwordKey: creds.backup.passwordKey },
            backupClaimName: this.backups?.claimName,
            backupResources: resourceSettingsOf(s, "backup"),
        }), { parent: this, dependsOn: (opts.dependsOn ?? []) as pulumi.Resource[] });
    }

    private declareRocketChat(name: string, s: Settings, opts: pulumi.ComponentResourceOptions, guard: Promise<pulumi.Resource[]>): RocketChat {
        for (const warning of rocketchatWarnings(s)) {
            pulumi.log.warn(warning, this);
        }
        const oauthSecret = this.keycloak
            ? declareObject(oauthSecretName(name), oauthSecretObject(name, s.namespace, this.keycloak.clientSecret), opts) as k8s.core.v1.Secret
            : undefined;
        return new RocketChat(name, {
            ...rocketchatArgsFromSettings<pulumi.Input<string>>(s, {
                connectionSecretName: this.mongodb.connectionSecretName,
                adminSecretName: this.credentials.adminSecretName,
                mongodbClientLabels: this.mongodb.clientLabels,
                sso: this.keycloak && oauthSecret ? { clientId: this.keycloak.clientId, clientSecretName: oauthSecret.metadata.name } : undefined,
            }),
            // On a first install Rocket.Chat would crash-loop until the users exist.
            startAfter: guard.then((guardJobs) => [this.mongodb.bootstrap, ...guardJobs]),
            deleteUploadsOnDestroy: s.deleteDataOnDestroy,
            // What the pods read from Secrets we own: with Secrets changed in place
            // (kubernetesProviderConfig.ts) only this digest rolls them. The connection
            // string carries the app user's password, the member hosts and the database.
            rolloutSecrets: [
                this.mongodb.connectionUri,
                this.credentials.adminPassword,
                ...(this.keycloak ? [this.keycloak.clientSecret] : []),
            ],
        }, opts);
    }

    /** Reconciles the configured channels once Rocket.Chat is up; none while a restore keeps it at zero. */
    private declareChannels(name: string, s: Settings, opts: pulumi.ComponentResourceOptions): ChannelsReconciler | undefined {
        const args = channelsReconcilerArgsFromSettings(name, s, {
            rocketchatServiceName: this.rocketchat.serviceName,
            rocketchatHttpPort: httpPort,
            adminSecretName: this.credentials.adminSecretName,
            adminPasswordGeneration: this.credentialPlan.credentials.admin.current,
        });
        return args && new ChannelsReconciler(name, { ...args, after: [this.rocketchat] }, opts);
    }

    /** Scrape targets, alerts and the dashboard when the stack turns monitoring on. */
    private declareMonitoring(name: string, s: Settings, opts: pulumi.ComponentResourceOptions, namespaceDeps: pulumi.Resource[]): Monitoring | undefined {
        const args = monitoringArgsFromSettings(name, s, {
            memberHosts: this.mongodb.hosts,
            monitoringCredentials: {
                secretName: this.credentials.mongoUsersSecretName,
                usernameKey: this.credentials.monitoring.usernameKey,
                passwordKey: this.credentials.monitoring.passwordKey,
            },
            monitoringRollout: rolloutAnnotations(this.credentialPlan, ["monitoring"]),
            mongodbClientLabels: this.mongodb.clientLabels,
            rocketchatSelector: this.rocketchat.selector,
            rocketchatDeploymentName: this.rocketchat.deploymentName,
            mongodbStatefulSetName: this.mongodb.statefulSetName,
        });
        return args && new Monitoring(name, args,
            // The exporter logs in as the monitoring user, which the bootstrap creates.
            { ...opts, dependsOn: [...namespaceDeps, this.mongodb.bootstrap] });
    }

    /** Backup schedules and, while restoreArchive is set, the restore Job. */
    private declareBackups(name: string, s: Settings, opts: pulumi.ComponentResourceOptions): MongoBackups | undefined {
        const args = backupsArgsFromSettings(s, {
            mongodb: { hosts: this.mongodb.hosts, replicaSetName: this.mongodb.replicaSetName, clientLabels: this.mongodb.clientLabels },
            usersSecretName: this.credentials.mongoUsersSecretName,
            backupUser: { usernameKey: this.credentials.backup.usernameKey, passwordKey: this.credentials.backup.passwordKey },
            restoreUser: { usernameKey: this.credentials.restore.usernameKey, passwordKey: this.credentials.restore.passwordKey },
            previousUsernames: previousUsernames(this.credentialPlan),
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
