// Entry point: validate the stack's settings, refuse unsafe changes against
// what the previous run deployed, build the platform, export outputs.
import { loadSettings } from "./components/config";
import { recordFor, RocketChatPlatform } from "./components/platform";
import { previousDeploymentRecord } from "./components/upgrades/deploymentRecord";
import { enforceGuard } from "./components/upgrades/upgradeGuard";

export = (async () => {
    const settings = loadSettings();
    const previous = await previousDeploymentRecord();
    // Refuses (throws) before any resource is declared, under preview and up alike.
    enforceGuard(previous, recordFor("rocketchat", settings), { allowMemberRemoval: settings.mongodbAllowMemberRemoval });
    const platform = new RocketChatPlatform("rocketchat", { settings, previous });
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
        /** What this run deployed; the next run's upgrade guard reads it (components/upgrades/deploymentRecord.ts). */
        deployment: platform.deploymentRecord,
    };
})();
