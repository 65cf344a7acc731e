/**
 * A stack's Rocket.Chat and Keycloak objects without the program: settings
 * (stackSettings) -> args (rocketchatArgsFromSettings, keycloakClientArgsFromSettings)
 * -> builders. What other components give Rocket.Chat enters under the names
 * the program gives it (the program test checks that wiring); generated
 * values and Keycloak's ids enter as placeholders.
 */
import { configChecksum, rocketchatContainerEnv, rocketchatObjects, RocketChatObjects, RocketChatObjectsArgs } from "../../components/rocketchat/rocketchatObjects";
import { RocketChatPeers, rocketchatArgsFromSettings } from "../../components/rocketchat/settingsArgs";
import { Settings } from "../../components/settings";
import { KeycloakClientArgs, keycloakClientResources, KeycloakResource } from "../../components/sso/keycloakClientResources";
import { oauthSecretName } from "../../components/sso/oauthSecret";
import { keycloakClientArgsFromSettings } from "../../components/sso/ssoSettings";
import { stackSettings } from "./stackSettings";

/** The platform's instance name (index.ts). */
export const instance = "rocketchat";

/** Generated Secret values whose change rolls the pods: app password, admin password, Keycloak client secret. */
export const rolloutSecretPlaceholders = ["<app password>", "<admin password>", "<client secret>"];

/** The peers as the program names them: the replica set's connection Secret and client labels, the admin Secret, the Keycloak client. */
export function programPeers(s: Settings): RocketChatPeers<string> {
    return {
        connectionSecretName: `${instance}-mongodb-connection`,
        adminSecretName: `${instance}-admin`,
        mongodbClientLabels: { "rocketchat-ha.io/mongodb-client": instance },
        // The provider echoes the client id it was given back as the client's clientId.
        sso: s.ssoEnabled ? { clientId: s.keycloakClientId, clientSecretName: oauthSecretName(instance) } : undefined,
    };
}

export interface RocketChatBuild {
    readonly settings: Settings;
    readonly args: RocketChatObjectsArgs<string>;
    readonly objects: RocketChatObjects<string>;
    /** The container's environment as name -> entry. */
    readonly env: Record<string, any>;
}

export function rocketchatBuild(stack: string, overrides: Record<string, unknown> = {}, secrets = rolloutSecretPlaceholders): RocketChatBuild {
    const settings = stackSettings(stack, overrides);
    const args = rocketchatArgsFromSettings(settings, programPeers(settings));
    const objects = rocketchatObjects(instance, args, configChecksum(rocketchatContainerEnv(args), secrets));
    const container = objects.deployment.spec!.template.spec!.containers[0];
    return { settings, args, objects, env: Object.fromEntries(container.env!.map((e) => [e.name, e])) };
}

/** Keycloak's ids as the mock runtime names them (`<resource>-id`, `getRealm-<realm>`, `getGroup-<group>`), which test/sso's replay resolves. */
export function keycloakPlaceholderIds(name: string, args: KeycloakClientArgs) {
    return {
        realmId: `getRealm-${args.realm}`,
        clientUuid: `${name}-client-id`,
        roleId: `${name}-rocketchat-users-id`,
        groupIds: Object.fromEntries((args.groups ?? []).map((g) => [g, `getGroup-${g}`])),
    };
}

/** The stack's Keycloak resources in registration order; none with SSO off. */
export function keycloakBuild(stack: string, overrides: Record<string, unknown> = {}): KeycloakResource<string>[] {
    const args = keycloakClientArgsFromSettings(stackSettings(stack, overrides));
    return args ? keycloakClientResources(instance, args, keycloakPlaceholderIds(instance, args)) : [];
}
