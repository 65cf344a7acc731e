// Entry point: validate the stack's settings, build the platform, export outputs.
import { loadSettings } from "./components/config";
import { RocketChatPlatform } from "./components/platform";

const settings = loadSettings();
const platform = new RocketChatPlatform("rocketchat", { settings });

/** Where users open Rocket.Chat. */
export const url = platform.rocketchat.url;
export const namespace = platform.namespace;
/** Secret holding the break-glass administrator (username, password, email). */
export const adminSecret = platform.credentials.adminSecretName;
/** Keycloak client id, or null when SSO is off. */
export const keycloakClientId = platform.keycloak?.clientId ?? null;
export const mongodbReplicaSet = platform.mongodb.replicaSetName;
/** Secret with key mongo-url: the application's replica-set connection string. */
export const mongodbConnectionSecret = platform.mongodb.connectionSecretName;
/** Backup CronJob, or null when backups are off. */
export const backupCronJob = platform.backups?.schedules?.backup.metadata.name ?? null;
/** The backup volume's claim, or null when backups are off. */
export const backupClaim = platform.backups?.claimName ?? null;
/** Channel reconcile Job, or null when no channels are configured. */
export const channelsJob = platform.channels?.jobName ?? null;
