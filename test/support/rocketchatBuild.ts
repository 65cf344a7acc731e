/**
 * A stack's Rocket.Chat and Keycloak objects without the program: settings
 * (settingsFor) -> args (rocketchatArgsFromSettings, keycloakClientArgsFromSettings)
 * -> builders. What other components give Rocket.Chat enters under the names
 * the program gives it (the program test checks that wiring); generated
 * values and Keycloak's ids enter as placeholders.
 */
import { configChecksum, rocketchatContainerEnv, rocketchatObjects, RocketChatObjects, RocketChatObjectsArgs } from "../../components/rocketchat/rocketchatObjects";
import { RocketChatPeers, rocketchatArgsFromSettings } from "../../components/rocketchat/settingsArgs";
import { Settings } from "../../components/settings";
import { clientRole, KeycloakClientArgs, keycloakClientResources, KeycloakIds, KeycloakResource, openidClient } from "../../components/sso/keycloakClientResources";
import { oauthSecretName, oauthSecretObject } from "../../components/sso/oauthSecret";
import type { KeycloakPlan } from "../sso/applyToKeycloak";
import type { RocketChatEnvironmentSource } from "../sso/rocketchatOAuth";
import { keycloakClientArgsFromSettings } from "../../components/sso/ssoSettings";
import { settingsFor } from "./settings";

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
    const settings = settingsFor(stack, overrides);
    const args = rocketchatArgsFromSettings(settings, programPeers(settings));
    const objects = rocketchatObjects(instance, args, configChecksum(rocketchatContainerEnv(args), secrets));
    const container = objects.deployment.spec!.template.spec!.containers[0];
    return { settings, args, objects, env: Object.fromEntries(container.env!.map((e) => [e.name, e])) };
}

/**
 * Placeholders for Keycloak's ids: a created resource's id is `<resource name>-id`
 * (what test/sso's replay maps to the real id it reads back), a looked-up one
 * `getRealm-<realm>` or `getGroup-<group>`.
 */
export function keycloakPlaceholderIds(name: string, args: KeycloakClientArgs): KeycloakIds<string> {
    return {
        realmId: `getRealm-${args.realm}`,
        clientUuid: `${openidClient(name, args, { realmId: "" }).name}-id`,
        roleId: `${clientRole(name, { realmId: "", clientUuid: "" }).name}-id`,
        groupIds: Object.fromEntries((args.groups ?? []).map((g) => [g, `getGroup-${g}`])),
    };
}

/** The stack's Keycloak resources in registration order; none with SSO off. */
export function keycloakBuild(stack: string, overrides: Record<string, unknown> = {}): readonly KeycloakResource<string>[] {
    return keycloakPlan(stack, overrides)?.resources ?? [];
}

/** Placeholder for the client secret Keycloak generates. */
export const clientSecretPlaceholder = "<keycloak client secret>";

/** The stack's Keycloak side for test/sso's replay on a real Keycloak; undefined with SSO off. */
export function keycloakPlan(stack: string, overrides: Record<string, unknown> = {}): KeycloakPlan | undefined {
    const args = keycloakClientArgsFromSettings(settingsFor(stack, overrides));
    if (!args) {
        return undefined;
    }
    const ids = keycloakPlaceholderIds(instance, args);
    return { stack, realm: args.realm, groups: args.groups ?? [], ids, resources: keycloakClientResources(instance, args, ids), clientSecret: clientSecretPlaceholder };
}

/** What Rocket.Chat's pods are given: the container environment and the oauth Secret (holding the client secret placeholder). */
export function rocketchatEnvironmentSource(stack: string, overrides: Record<string, unknown> = {}): RocketChatEnvironmentSource {
    const b = rocketchatBuild(stack, overrides);
    return { stack, env: Object.values(b.env), secrets: [oauthSecretObject(instance, b.settings.namespace, clientSecretPlaceholder)] };
}
