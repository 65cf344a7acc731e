// Entry point: validate the stack's settings, refuse unsafe changes against
// what the previous run deployed, build the platform, export outputs.
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./components/config";
import { checkKubernetesProviderConfig } from "./components/kubernetesProviderConfig";
import type { MongoUser } from "./components/credentials";
import { recordFor, RocketChatPlatform } from "./components/platform";
import { previousDeploymentRecord } from "./components/upgrades/deploymentRecord";
import { enforceGuard } from "./components/upgrades/upgradeGuard";
import { enforcedSettings } from "./components/rocketchat/enforcedSettings";
import { checkObjectIdentity } from "./components/stack/objectIdentity";
import { instance } from "./components/stack/platformObjects";

/** Where a user's name and password live in the users Secret. */
const secretKeys = (user: MongoUser) => ({ username: user.usernameKey, password: user.passwordKey });

export = (async () => {
    const settings = loadSettings();
    checkKubernetesProviderConfig((key) => {
        const [namespace, name] = key.split(":");
        return new pulumi.Config(namespace).get(name);
    });
    const previous = await previousDeploymentRecord();
    // Refuses (throws) before any resource is declared, under preview and up alike.
    enforceGuard(previous, recordFor(instance, settings, previous), {
        allowMemberRemoval: settings.mongodbAllowMemberRemoval, restoreRuns: settings.restoreArchive !== "", allowSsoSwitch: settings.ssoAllowSwitch,
    });
    const stack = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    // After the guard: with a previous run, the objects include the guard's own.
    checkObjectIdentity(settings, stack, previous);
    const platform = new RocketChatPlatform(instance, { settings, stack, previous });
    const schedules = platform.backups?.schedules;
    // Read off the declared CronJob, so the outputs say what the cluster runs.
    const backupPod = schedules?.backup.spec.jobTemplate.spec.template.spec;
    return {
        /** Where users open Rocket.Chat. */
        url: platform.rocketchat.url,
        namespace: platform.namespace,
        /** Secret holding the break-glass administrator (username, password, email). */
        adminSecret: platform.credentials.adminSecretName,
        /** Keycloak client id, or null when SSO is off. */
        keycloakClientId: platform.keycloak?.clientId ?? null,
        mongodbReplicaSet: platform.mongodb.replicaSetName,
        /** Secret with key mongo-url: the application's replica-set connection string. */
        mongodbConnectionSecret: platform.mongodb.connectionSecretName,
        /** Backup CronJob, or null when backups are off. */
        backupCronJob: platform.backups?.schedules?.backup.metadata.name ?? null,
        /** The backup volume's claim, or null when backups are off. */
        backupClaim: platform.backups?.claimName ?? null,
        /** Channel reconcile Job, or null when no channels are configured. */
        channelsJob: platform.channels?.jobName ?? null,
        // What `npm run ops` reads (docs/ops.md), so it never re-renders the program.
        /** The MongoDB StatefulSet. */
        mongodbStatefulSet: platform.mongodb.statefulSetName,
        /** The members' host:port in member order; a host's first label is its pod's name. */
        mongodbMemberHosts: platform.mongodb.hosts,
        /** The MongoDB image (ops runs its backup-volume listing in it). */
        mongodbImage: settings.mongodbImage,
        /** The application's database. */
        mongodbDatabase: settings.mongodbDatabase,
        /** Secret with the MongoDB users, and the keys holding the root and application users' names and passwords. */
        mongodbUsersSecret: {
            name: platform.credentials.mongoUsersSecretName,
            keys: { root: secretKeys(platform.credentials.root), app: secretKeys(platform.credentials.app) },
        },
        /** The Rocket.Chat settings the program enforces (OVERWRITE_SETTING_*): literal values, and the ids whose values come from Secrets. */
        rocketchatEnforcedSettings: pulumi.output(platform.rocketchat.environment).apply(enforcedSettings),
        /** Restore-test CronJob, or null when backups are off; its Jobs carry the newest restore-test result. */
        backupVerifyCronJob: schedules?.verify.metadata.name ?? null,
        /** Cron schedules of the backup and the restore test, or null when backups are off. */
        backupSchedule: schedules?.backup.spec.schedule ?? null,
        backupVerifySchedule: schedules?.verify.spec.schedule ?? null,
        /** Archives are mongodb/<prefix>-<UTC stamp>.archive.gz on the backup volume; null when backups are off. */
        backupArchivePrefix: backupPod?.containers.apply((containers) => containers[0].env?.find((e) => e.name === "ARCHIVE_PREFIX")?.value ?? null) ?? null,
        /** The UID backup pods run as, or null where the platform assigns one (OpenShift) or backups are off. */
        backupRunAsUser: backupPod?.securityContext.apply((context) => context?.runAsUser ?? null) ?? null,
        /** What this run deployed; the next run's upgrade guard reads it (components/upgrades/deploymentRecord.ts). */
        deployment: platform.deploymentRecord,
    };
})();
