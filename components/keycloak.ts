/**
 * The Keycloak side of single sign-on: an OpenID client for Rocket.Chat, its
 * client role, the mappers that put user name, e-mail, name and client roles
 * into the tokens, and optional group -> role grants. Replaces the old
 * runbook's hand-made client in the admin console.
 *
 * The Keycloak provider is configured from the `keycloak:` config namespace
 * (url, realm, clientId, clientSecret as a secret) unless one is passed in.
 */
import { componentTypes, withFormerTypes } from "./componentTypes";
import * as keycloak from "@pulumi/keycloak";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "./childOptions";

/** The client role every Rocket.Chat user should hold. */
export const rocketchatUsersRole = "rocketchat-users";

/** Path Rocket.Chat's custom OAuth service named "keycloak" listens on. */
export const oauthCallbackPath = "/_oauth/keycloak";

export interface KeycloakClientArgs {
    /** Realm whose users sign in to Rocket.Chat. */
    readonly realm: string;
    /** Client id to create, e.g. "rocketchat". */
    readonly clientId: string;
    /** Public host name of Rocket.Chat; the redirect URI and web origin derive from it. */
    readonly hostname: string;
    /** Existing groups whose members receive the rocketchat-users role. Defaults to none. */
    readonly groups?: string[];
}

export class KeycloakClient extends pulumi.ComponentResource {
    public readonly clientId: pulumi.Output<string>;
    /** The confidential client's secret (a Pulumi secret). */
    public readonly clientSecret: pulumi.Output<string>;

    constructor(name: string, args: KeycloakClientArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.KeycloakClient.token, name, {}, withFormerTypes("KeycloakClient", opts));
        const child = childOf(this, opts);
        const realmId = keycloak.getRealmOutput({ realm: args.realm }, child).id;
        const origin = `https://${args.hostname}`;

        const client = new keycloak.openid.Client(`${name}-client`, {
            realmId,
            clientId: args.clientId,
            name: "Rocket.Chat",
            enabled: true,
            accessType: "CONFIDENTIAL",
            standardFlowEnabled: true,
            implicitFlowEnabled: false,
            directAccessGrantsEnabled: false,
            serviceAccountsEnabled: false,
            // Tokens carry only roles of this client, not every realm role.
            fullScopeAllowed: false,
            rootUrl: origin,
            baseUrl: origin,
            validRedirectUris: [`${origin}${oauthCallbackPath}`],
            validPostLogoutRedirectUris: [`${origin}/*`],
            webOrigins: [origin],
        }, child);

        const role = new keycloak.Role(`${name}-${rocketchatUsersRole}`, {
            realmId,
            clientId: client.id,
            name: rocketchatUsersRole,
            description: "May sign in to Rocket.Chat",
        }, child);

        const inTokens = { realmId, clientId: client.id, addToIdToken: true, addToAccessToken: true, addToUserinfo: true };
        // Explicit mappers: the claims Rocket.Chat reads must not depend on the realm's default scopes.
        new keycloak.openid.UserPropertyProtocolMapper(`${name}-username`, {
            ...inTokens, name: "username", userProperty: "username", claimName: "preferred_username",
        }, child);
        new keycloak.openid.UserPropertyProtocolMapper(`${name}-email`, {
            ...inTokens, name: "email", userProperty: "email", claimName: "email",
        }, child);
        new keycloak.openid.FullNameProtocolMapper(`${name}-full-name`, { ...inTokens, name: "full name" }, child);
        new keycloak.openid.UserClientRoleProtocolMapper(`${name}-client-roles`, {
            ...inTokens,
            name: "client roles",
            clientIdForRoleMappings: args.clientId,
            // Rocket.Chat's roles claim defaults to "roles".
            claimName: "roles",
            multivalued: true,
        }, childOf(this, opts, [role]));

        for (const group of args.groups ?? []) {
            const found = keycloak.getGroupOutput({ realmId, name: group }, child);
            new keycloak.GroupRoles(`${name}-group-${group}`, {
                realmId,
                groupId: found.id,
                roleIds: [role.id],
                // Leave the group's other role grants alone.
                exhaustive: false,
            }, child);
        }

        this.clientId = client.clientId;
        this.clientSecret = pulumi.secret(client.clientSecret);
        this.registerOutputs({ clientId: this.clientId });
    }
}

/** OpenID Connect endpoints of a realm, relative to the server URL. */
export function realmEndpoints(realm: string): { authorize: string; token: string; userinfo: string } {
    const base = `/realms/${encodeURIComponent(realm)}/protocol/openid-connect`;
    return { authorize: `${base}/auth`, token: `${base}/token`, userinfo: `${base}/userinfo` };
}
