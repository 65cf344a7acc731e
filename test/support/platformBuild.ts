/**
 * A whole stack built from the builders alone: settings (settingsFor) ->
 * each area's `...ArgsFromSettings` -> its builder, wired with the pure refs
 * every area exports (names, hosts, labels), not with component instances.
 * No Pulumi runtime: a stack builds in milliseconds.
 *
 * This is the expectation the program test (test/program.test.ts) holds the
 * real program to: under the mock runtime, index.ts must register exactly
 * these objects, under these names and components. Tests about properties of
 * a whole stack (pod hygiene, placement, zones, the policy pack on a stack)
 * read the objects from here.
 */
import { backupsArgsFromSettings } from "../../components/backup/backupSettings";
import { backupObjects } from "../../components/backup/backups";
import { channelsReconcilerArgsFromSettings, channelsReconcilerObjects } from "../../components/channels/channelsObjects";
import { ComponentName } from "../../components/componentTypes";
import { credentialsArgsFromSettings } from "../../components/credentials";
import { credentialObjects, credentialSecretNames, keyfileText, MongoRole, mongoRoles, mongoUserRef } from "../../components/credentialObjects";
import { rolloutAnnotations, rotates } from "../../components/credentialPlan";
import { monitoringArgsFromSettings, monitoringObjects } from "../../components/monitoring/monitoringObjects";
import { mongoClientLabels, mongoStatefulSetName, replicaSetHosts } from "../../components/mongodb/names";
import { mongoConnectionUri, replicaSetObjects } from "../../components/mongodb/replicaSetObjects";
import { mongoReplicaSetArgsFromSettings } from "../../components/mongodb/replicaSetSettings";
import { namespaceObject } from "../../components/namespaceObject";
import { defaultDenyIngressObject } from "../../components/networkIsolation";
import { httpPort } from "../../components/rocketchat/environment";
import { configChecksum, rocketchatContainerEnv, rocketchatObjects, rocketchatRefs } from "../../components/rocketchat/rocketchatObjects";
import { rocketchatArgsFromSettings } from "../../components/rocketchat/settingsArgs";
import { Settings } from "../../components/settings";
import { keycloakClientResources, KeycloakResource } from "../../components/sso/keycloakClientResources";
import { oauthSecretName, oauthSecretObject } from "../../components/sso/oauthSecret";
import { keycloakClientArgsFromSettings } from "../../components/sso/ssoSettings";
import { credentialPlanFor, recordFor } from "../../components/platform";
import { DeploymentRecord } from "../../components/upgrades/deploymentRecord";
import { guardJobNeeded } from "../../components/upgrades/upgradeGuard";
import { upgradeGuardArgsFromSettings, upgradeGuardObjects } from "../../components/upgrades/upgradeGuardObjects";
import { mongoImageUid } from "../../components/mongodb/names";
import { backupClaimName } from "../../components/backup/backupStorage";
import { keycloakPlaceholderIds } from "./rocketchatBuild";
import { settingsFor } from "./settings";
import { resourceSettingsOf } from "../../components/podShapes";
import { stackIdentityArgsFromSettings, stackIdentityObjects } from "../../components/stackIdentity/stackIdentityObjects";
import { projectName } from "../../tools/stackConfig";

/** The platform's instance name (index.ts). */
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

/** A configuration the stacks do not carry but the program must wire right: dev restoring an archive, dropping what exists. */
export const restoreCase = { restoreArchive: "rocketchat-20261128T021500Z.archive.gz", restoreDropExisting: true } as const;

/** A stack's identity as index.ts forms it under the mock runtime (organization "organization", tools/mockRuntime.ts). */
export function stackIdentityOf(stack: string): string {
    return `organization/${projectName}/${stack}`;
}

/** Every placeholder of placeholderValues, for leak checks. */
export const placeholderList: readonly string[] = [
    ...Object.values(placeholderValues.mongoPasswords), placeholderValues.keyfile, placeholderValues.adminPassword, placeholderValues.keycloakClientSecret,
    ...Object.values(placeholderValues.previous!),
];

/** One object as the program should register it: which component holds it, and whether destroy keeps it. */
export interface BuiltEntry {
    readonly component: ComponentName;
    readonly object: any;
    /** True for data the stack keeps on `pulumi destroy` (namespace, claims, the stack-identity marker). */
    readonly retainOnDelete: boolean;
}

export interface PlatformBuild {
    readonly settings: Settings;
    readonly entries: BuiltEntry[];
    /** Every Kubernetes object, in declaration order. */
    readonly objects: any[];
    /** The Keycloak resources (provider type, name, inputs); none with SSO off. */
    readonly keycloak: readonly KeycloakResource<string>[];
}

function present<T>(values: readonly (T | undefined)[]): T[] {
    return values.filter((value): value is T => value !== undefined);
}

/**
 * A stack's whole platform from its settings. With `previous` (what the last
 * run recorded), a change of versions or members adds the upgrade guard's
 * ConfigMap and Job; without it, a first install.
 */
export function platformBuildFromSettings(s: Settings, stack: string, generated: GeneratedValues = placeholderValues, previous?: DeploymentRecord): PlatformBuild {
    const entries: BuiltEntry[] = [];
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
    const { bootstrap, ...replicaSet } = replicaSetObjects<string>(instance, {
        ...mongoArgs,
        usersSecretName: secrets.mongoUsers,
        keyfileSecretName: secrets.keyfile,
        connectionUri,
        credentialPlan: plan,
    });
    add("MongoReplicaSet", [...Object.values(replicaSet), bootstrap.configMap, bootstrap.job]);

    const keycloakArgs = keycloakClientArgsFromSettings(s);
    const keycloak = keycloakArgs ? keycloakClientResources(instance, keycloakArgs, keycloakPlaceholderIds(instance, keycloakArgs)) : [];
    if (keycloakArgs) {
        add("Platform", [oauthSecretObject(instance, s.namespace, generated.keycloakClientSecret)]);
    }

    const mongoHosts = replicaSetHosts(instance, s.namespace, s.clusterDomain, s.mongodbMembers);
    const clientLabels = mongoClientLabels(instance);
    const rocketchatArgs = rocketchatArgsFromSettings<string>(s, {
        connectionSecretName: `${instance}-mongodb-connection`,
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
        uploadsClaimName: rocketchatNames.uploadsClaimName,
        rocketchatSelector: rocketchatNames.selector,
    });
    if (backupArgs) {
        const backups = backupObjects(instance, backupArgs);
        add("BackupStorage", present([backups.claim]), !backupArgs.deleteClaimOnDestroy);
        add("MongoBackups", [backups.scripts]);
        add("BackupSchedules", backups.cronJobs ? Object.values(backups.cronJobs) : []);
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
    return { settings: s, entries, objects: entries.map((entry) => entry.object), keycloak };
}

/** A stack's whole platform: Pulumi.yaml defaults, Pulumi.<stack>.yaml, then the overrides. */
export function platformBuild(stack: string, overrides: Record<string, unknown> = {}, generated?: GeneratedValues, previous?: DeploymentRecord): PlatformBuild {
    return platformBuildFromSettings(settingsFor(stack, overrides), stackIdentityOf(stack), generated, previous);
}

/** The Pulumi type token of a Kubernetes object (what @pulumi/kubernetes registers it as). */
export function kubernetesType(object: { apiVersion: string; kind: string }): string {
    const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["core", object.apiVersion];
    // Kinds without a typed class go through CustomResource, whose token keeps the apiVersion whole.
    return object.kind === "ServiceMonitor" || object.kind === "PrometheusRule" || object.kind === "Route"
        ? `kubernetes:${object.apiVersion}:${object.kind}`
        : `kubernetes:${group}/${version}:${object.kind}`;
}

/** A built resource as the mock runtime would capture it: type token, resource name, plain inputs. */
export interface BuiltResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: any;
}

/** A stack's built resources in the shape of a program run's (tools/mockRuntime.ts StackRun), for tests written against runs. */
export interface BuiltStack {
    readonly stack: string;
    readonly resources: BuiltResource[];
}

/** Plain JSON, as the SDK serializes inputs (undefined fields dropped). */
const plainJson = (value: unknown) => JSON.parse(JSON.stringify(value));

export function builtStack(stack: string, overrides: Record<string, unknown> = {}, generated?: GeneratedValues, previous?: DeploymentRecord): BuiltStack {
    const build = platformBuild(stack, overrides, generated, previous);
    return {
        stack,
        resources: [
            ...build.objects.map((object) => ({ type: kubernetesType(object), name: object.metadata.name, inputs: plainJson(object) })),
            ...build.keycloak.map((resource) => ({ type: resource.type, name: resource.name, inputs: plainJson(resource.inputs) })),
        ],
    };
}

/** A stack's Kubernetes objects, built (cached per stack: tests must not modify them). */
const builtStacks = new Map<string, any[]>();
export function stackObjects(stack: string): any[] {
    if (!builtStacks.has(stack)) {
        builtStacks.set(stack, platformBuild(stack).objects);
    }
    return builtStacks.get(stack)!;
}
