// Entry point: validate the stack's settings, build the platform, export outputs.
import { loadSettings } from "./components/config";
import { RocketChatPlatform } from "./components/platform";

const settings = loadSettings();
const platform = new RocketChatPlatform("rocketchat", { settings });

export const namespace = platform.namespace;
export const mongodbReplicaSet = platform.mongodb.replicaSetName;
export const mongodbConnectionSecret = platform.mongodb.connectionSecretName;
export const adminSecret = platform.credentials.adminSecretName;
