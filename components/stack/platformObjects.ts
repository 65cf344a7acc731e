/**
 * Every Kubernetes object a stack declares, built from its settings with the
 * builders alone: settings -> each area's `...ArgsFromSettings` -> its
 * builder, wired with the pure refs every area exports (names, hosts,
 * labels), not with component instances. No Pulumi runtime: a stack builds
 * in milliseconds.
 *
 * The program checks this list before it declares anything (objectIdentity.ts);
 * the tests read whole-stack properties from it (test/support/platformBuild.ts),
 * and the program test (test/program.test.ts) holds index.ts to registering
 * exactly these objects, under these names and components.
 */
import { backupsArgsFromSettings } from "../backup/backupSettings";
import { backupObjects } from "../backup/backups";
import { backupClaimName } from "../backup/backupStorage";
import { channelsReconcilerArgsFromSettings, channelsReconcilerObjects } from "../channels/channelsObjects";
import type { ComponentName } from "../componentTypes";
import { credentialsArgsFromSettings } from "../credentials";
import { credentialObjects, credentialSecretNames, keyfileText, MongoRole, mongoRoles, mongoUserRef, previousUsernames } from "../credentialObjects";
import { rolloutAnnotations, rotates } from "../credentialPlan";
import { monitoringArgsFromSettings, monitoringObjects } from "../monitoring/monitoringObjects";
import { mongoClientLabels, mongoConnectionSecretName, mongoImageUid, mongoStatefulSetName, replicaSetHosts } from "../mongodb/names";
import { mongoConnectionUri, replicaSetObjects } from "../mongodb/replicaSetObjects";
import { mongoReplicaSetArgsFromSettings } from "../mongodb/replicaSetSettings";
import { namespaceObject } from "../namespaceObject";
import { defaultDenyIngressObject } from "../networkIsolation";
import { credentialPlanFor, recordFor } from "../platform";
import { resourceSettingsOf } from "../podShapes";
import { httpPort } from "../rocketchat/environment";
import { configChecksum, rocketchatContainerEnv, rocketchatObjects, rocketchatRefs } from "../rocketchat/rocketchatObjects";
import { rocketchatArgsFromSettings } from "../rocketchat/settingsArgs";
import { Settings } from "../settings";
import { oauthSecretName, oauthSecretObject } from "../sso/oauthSecret";
import { keycloakClientArgsFromSettings } from "../sso/ssoSettings";
import { stackIdentityArgsFromSettings, stackIdentityObjects } from "../stackIdentity/stackIdentityObjects";
import { DeploymentRecord } from "../upgrades/deploymentRecord";
import { guardJobNeeded } from "../upgrades/upgradeGuard";
import { upgradeGuardArgsFromSettings, upgradeGuardObjects } from "../upgrades/upgradeGuardObjects";

/** The platform's instance name: every object's name starts with it (index.ts). */
export const instance = "rocketchat";

/** The values only the providers know: generated passwords, the keyfile, Keycloak's client secret. */
export interface GeneratedValues {
    readonly mongoPasswords: Readonly<Record<MongoRole, string>>;
    /** One keyfile key (base64): the current generation's. */
    readonly keyfile: string;
    readonly adminPassword: string;
    readonly keycloakClientSecret: string;
    /** The previous generation's values, for a run that rotates them (components/credentialPlan.ts). */
    readonly previous?: {
        readonly rootPassword?: string;
        readonly keyfile?: string;
        readonly adminPassword?: string;
    };
}

/** Distinct, recognisable placeholders, long enough to be found wherever one leaks. */
export const placeholderValues: GeneratedValues = {
    mongoPasswords: Object.fromEntries(mongoRoles.map((role) => [role, `<generated-mongodb-${role}-password-0123456789>`])) as Record<MongoRole, string>,
    // Base64 characters only: the keyfile's text is checked like mongod checks it (keyfileText).
    keyfile: "generatedKeyfile0123456789abcdef",
    adminPassword: "<generated-admin-password-0123456789>",
    keycloakClientSecret: "<keycloak-client-secret-0123456789>",
    previous: {
        rootPassword: "<previous-mongodb-root-password-0123456789>",
        keyfile: "previousKeyfile0123456789abcdef",
        adminPassword: "<previous-admin-password-0123456789>",
    },
};

/** One object as the program registers it: which component holds it, and whether destroy keeps it. */
export interface PlatformEntry {
    readonly component: ComponentName;
    readonly object: any;
    /** True for data the stack keeps on `pulumi destroy` (namespace, claims, the stack-identity marker). */
    readonly retainOnDelete: boolean;
    /**
     * True for a server-side-apply patch of an object the stack does not create
     * (a member's claim, made by the StatefulSet controller): registered as
     * `<Kind>Patch`, and not one of the stack's objects.
     */
    readonly patch?: boolean;
}

function present<T>(values: readonly (T | undefined)[]): T[] {
    return values.filter((value): value is T => value !== undefined);
}

/**
 * A stack's every Kubernetes object from its settings, in declaration order.
 * `stack` is `<organization>/<project>/<stack>`. With `previous` (what the
 * last run recorded), a change of versions or members adds the upgrade
 * guard's ConfigMap and Job; without it, a first install.
 */
export function platformObjects(s: Settings, stack: string, generated: GeneratedValues = placeholderValues, previous?: DeploymentRecord): PlatformEntry[] {
    const entries: PlatformEntry[] = [];
    const add = (component: ComponentName, objects: readonly unknown[], retainOnDelete = false) =>
        objects.forEach((object) => entries.push({ component, object, retainOnDelete }));

    if (s.createNamespace) {
        add("Platform", [namespaceObject(s.namespace)], true);
    }
    const identity = stackIdentityObjects(instance, stackIdentityArgsFromSettings(s, stack));
    add("Platform", [identity.check]);
    add("Platform", [identity.marker], !s.deleteDataOnDestroy);
    add("Platform", [defaultDenyIngressObject(instance, s.namespace)]);

    const secrets = credentialSecretNames(instance);
    const plan = credentialPlanFor(s, previous);
    const keyOf = (generation: number) => (generation === plan.credentials.keyfile.current ? generated.keyfile : generated.previous!.keyfile!);
    add("Credentials", Object.values(credentialObjects<string>(instance, {
        ...credentialsArgsFromSettings(s, plan),
        mongoPasswords: generated.mongoPasswords,
        keyfile: keyfileText(plan.keyfileKeys.map(keyOf)),
        adminPassword: generated.adminPassword,
        previousRootPassword: rotates(plan, "root") ? generated.previous!.rootPassword : undefined,
        previousAdminPassword: rotates(plan, "admin") ? generated.previous!.adminPassword : undefined,
    })));
    const userOf = (role: MongoRole) => mongoUserRef(role, plan.credentials[role].current);

    const mongoArgs = mongoReplicaSetArgsFromSettings(s);
    const connectionUri = mongoConnectionUri(instance, mongoArgs, generated.mongoPasswords.app, userOf("app").username);
    const { bootstrap, claimPatches, ...replicaSet } = replicaSetObjects<string>(instance, {
        ...mongoArgs,
        usersSecretName: secrets.mongoUsers,
        keyfileSecretName: secrets.keyfile,
        connectionUri,
        credentialPlan: plan,
    });
    add("MongoReplicaSet", [...Object.values(replicaSet), bootstrap.configMap, bootstrap.job]);
    // Retained: deleting a patch must not touch the claim (mongodb/replicaSet.ts).
    claimPatches.forEach((object) => entries.push({ component: "MongoReplicaSet", object, retainOnDelete: true, patch: true }));

    const keycloakArgs = keycloakClientArgsFromSettings(s);
    if (keycloakArgs) {
        add("Platform", [oauthSecretObject(instance, s.namespace, generated.keycloakClientSecret)]);
    }

    const mongoHosts = replicaSetHosts(instance, s.namespace, s.clusterDomain, s.mongodbMembers);
    const clientLabels = mongoClientLabels(instance);
    const rocketchatArgs = rocketchatArgsFromSettings<string>(s, {
        connectionSecretName: mongoConnectionSecretName(instance),
        adminSecretName: secrets.admin,
        mongodbClientLabels: clientLabels,
        sso: keycloakArgs ? { clientId: keycloakArgs.clientId ?? s.keycloakClientId, clientSecretName: oauthSecretName(instance) } : undefined,
    });
    const rolloutSecrets = [connectionUri, generated.adminPassword, ...(keycloakArgs ? [generated.keycloakClientSecret] : [])];
    const rocketchat = rocketchatObjects(instance, rocketchatArgs, configChecksum(rocketchatContainerEnv(rocketchatArgs), rolloutSecrets));
    const rocketchatNames = rocketchatRefs(instance, s.uploadsStorage);
    add("RocketChat", present([rocketchat.uploadsClaim]), !s.deleteDataOnDestroy);
    add("RocketChat", present([rocketchat.deployment, rocketchat.service, rocketchat.autoscaler, rocketchat.disruptionBudget, rocketchat.networkPolicy, rocketchat.exposure]));

    const backupArgs = backupsArgsFromSettings(s, {
        mongodb: { hosts: mongoHosts, replicaSetName: s.mongodbReplicaSetName, clientLabels },
        usersSecretName: secrets.mongoUsers,
        backupUser: userOf("backup"),
        restoreUser: userOf("restore"),
        previousUsernames: previousUsernames(plan),
        uploadsClaimName: rocketchatNames.uploadsClaimName,
        rocketchatSelector: rocketchatNames.selector,
    });
    if (backupArgs) {
        const backups = backupObjects(instance, backupArgs);
        add("BackupStorage", present([backups.claim]), !backupArgs.deleteClaimOnDestroy);
        add("MongoBackups", [backups.scripts]);
        // The uploads CronJob is undefined with GridFS uploads (no volume to archive).
        add("BackupSchedules", backups.cronJobs ? present(Object.values(backups.cronJobs)) : []);
        add("RestoreJob", present([backups.restore]));
    }

    const next = recordFor(instance, s, previous);
    if (guardJobNeeded(previous, next)) {
        const user = (role: MongoRole) => ({ secretName: secrets.mongoUsers, ...userOf(role) });
        const guard = upgradeGuardObjects(upgradeGuardArgsFromSettings<string>(instance, s, previous!, next, {
            hosts: mongoHosts,
            mongodbClientLabels: clientLabels,
            mongoImageUid,
            rootCredentials: user("root"),
            backupCredentials: user("backup"),
            backupClaimName: backupArgs ? backupArgs.existingClaimName ?? backupClaimName(instance) : undefined,
            backupResources: resourceSettingsOf(s, "backup"),
        }));
        add("Platform", [guard.configMap, guard.job]);
    }

    const channelsArgs = channelsReconcilerArgsFromSettings<string>(instance, s, {
        rocketchatServiceName: rocketchatNames.serviceName,
        rocketchatHttpPort: httpPort,
        adminSecretName: secrets.admin,
        adminPasswordGeneration: plan.credentials.admin.current,
    });
    if (channelsArgs) {
        const channels = channelsReconcilerObjects(instance, channelsArgs);
        add("ChannelsReconciler", [channels.configMap, channels.job]);
    }

    const monitoringArgs = monitoringArgsFromSettings<string>(instance, s, {
        memberHosts: mongoHosts,
        monitoringCredentials: { secretName: secrets.mongoUsers, ...userOf("monitoring") },
        monitoringRollout: rolloutAnnotations(plan, ["monitoring"]),
        mongodbClientLabels: clientLabels,
        rocketchatSelector: rocketchatNames.selector,
        rocketchatDeploymentName: rocketchatNames.deploymentName,
        mongodbStatefulSetName: mongoStatefulSetName(instance),
    });
    if (monitoringArgs) {
        const monitoring = monitoringObjects(instance, monitoringArgs);
        add("MongoExporter", Object.values(monitoring.exporter));
        add("Monitoring", present([monitoring.rocketchatMetricsService, ...monitoring.serviceMonitors, monitoring.prometheusRule, monitoring.dashboard]));
    }
    return entries;
}
