/**
 * The Keycloak side of single sign-on as plain provider inputs: an OpenID
 * client for Rocket.Chat, its client role, the mappers that put user name,
 * e-mail, name and client roles into the tokens, and optional group -> role
 * grants. Replaces the old runbook's hand-made client in the admin console.
 *
 * Pure: no Pulumi runtime. Each entry names the @pulumi/keycloak resource type
 * it is for (its type token), the Pulumi resource name and the inputs. What
 * only Keycloak knows (the realm's id, the client's UUID, the role's id, a
 * group's id) enters as an opaque V: a placeholder in tests, a pulumi.Output
 * in components/keycloak.ts, which registers the entries stage by stage
 * because each stage needs the id the previous one created.
 */

/** The client role every Rocket.Chat user should hold. */
export const rocketchatUsersRole = "rocketchat-users";

/** Path Rocket.Chat's custom OAuth service named "keycloak" listens on. */
export const oauthCallbackPath = "/_oauth/keycloak";

/** Type tokens of the @pulumi/keycloak resources declared here (the classes' __pulumiType). */
export const keycloakTypes = {
    client: "keycloak:openid/client:Client",
    role: "keycloak:index/role:Role",
    userPropertyMapper: "keycloak:openid/userPropertyProtocolMapper:UserPropertyProtocolMapper",
    fullNameMapper: "keycloak:openid/fullNameProtocolMapper:FullNameProtocolMapper",
    clientRoleMapper: "keycloak:openid/userClientRoleProtocolMapper:UserClientRoleProtocolMapper",
    groupRoles: "keycloak:index/groupRoles:GroupRoles",
} as const;

export type KeycloakResourceType = (typeof keycloakTypes)[keyof typeof keycloakTypes];

/** One Keycloak resource as the provider receives it. */
export interface KeycloakResource<V> {
    readonly type: KeycloakResourceType;
    /** Pulumi resource name. */
    readonly name: string;
    readonly inputs: Readonly<Record<string, string | boolean | V | readonly (string | V)[]>>;
}

export interface KeycloakClientArgs {
    /** Realm whose users sign in to Rocket.Chat (keycloakRealm; required with SSO on). */
    readonly realm: string;
    /** Client id to create. Defaults to "rocketchat" (keycloakClientId). */
    readonly clientId?: string;
    /** Public host name of Rocket.Chat; the redirect URI and web origin derive from it. */
    readonly hostname: string;
    /** Existing groups whose members receive the rocketchat-users role. Defaults to none (keycloakGroups). */
    readonly groups?: readonly string[];
}

/** Defaults of the optional args, equal to Pulumi.yaml's (test/sso.test.ts checks). */
export const keycloakClientDefaults = { clientId: "rocketchat", groups: [] as readonly string[] };

/** Ids Keycloak assigns, known only once the resource exists. */
export interface KeycloakIds<V> {
    /** The realm's id (the getRealm data source). */
    readonly realmId: V;
    /** The OpenID client's UUID (the Client resource's id). */
    readonly clientUuid: V;
    /** The rocketchat-users role's id. */
    readonly roleId: V;
    /** Each configured group's id (the getGroup data source). */
    readonly groupIds: Readonly<Record<string, V>>;
}

const clientIdOf = (args: KeycloakClientArgs) => args.clientId ?? keycloakClientDefaults.clientId;

/** The confidential OpenID client: standard flow only, tokens with this client's roles only. */
export function openidClient<V>(name: string, args: KeycloakClientArgs, ids: Pick<KeycloakIds<V>, "realmId">): KeycloakResource<V> {
    const origin = `https://${args.hostname}`;
    return {
        type: keycloakTypes.client,
        name: `${name}-client`,
        inputs: {
            realmId: ids.realmId,
            clientId: clientIdOf(args),
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
        },
    };
}

/** The client role rocketchat-users. */
export function clientRole<V>(name: string, ids: Pick<KeycloakIds<V>, "realmId" | "clientUuid">): KeycloakResource<V> {
    return {
        type: keycloakTypes.role,
        name: `${name}-${rocketchatUsersRole}`,
        inputs: { realmId: ids.realmId, clientId: ids.clientUuid, name: rocketchatUsersRole, description: "May sign in to Rocket.Chat" },
    };
}

/**
 * Explicit mappers: the claims Rocket.Chat reads must not depend on the
 * realm's default scopes. `clientRoles` reads the role mappings, so it is
 * registered after the role.
 */
export function protocolMappers<V>(name: string, args: KeycloakClientArgs, ids: Pick<KeycloakIds<V>, "realmId" | "clientUuid">): { readonly claims: KeycloakResource<V>[]; readonly clientRoles: KeycloakResource<V> } {
    const inTokens = { realmId: ids.realmId, clientId: ids.clientUuid, addToIdToken: true, addToAccessToken: true, addToUserinfo: true };
    return {
        claims: [
            { type: keycloakTypes.userPropertyMapper, name: `${name}-username`, inputs: { ...inTokens, name: "username", userProperty: "username", claimName: "preferred_username" } },
            { type: keycloakTypes.userPropertyMapper, name: `${name}-email`, inputs: { ...inTokens, name: "email", userProperty: "email", claimName: "email" } },
            { type: keycloakTypes.fullNameMapper, name: `${name}-full-name`, inputs: { ...inTokens, name: "full name" } },
        ],
        clientRoles: {
            type: keycloakTypes.clientRoleMapper,
            name: `${name}-client-roles`,
            inputs: {
                ...inTokens,
                name: "client roles",
                clientIdForRoleMappings: clientIdOf(args),
                // Rocket.Chat's roles claim defaults to "roles".
                claimName: "roles",
                multivalued: true,
            },
        },
    };
}

/** The configured groups' grants of the role, leaving their other grants alone. */
export function groupGrants<V>(name: string, args: KeycloakClientArgs, ids: Pick<KeycloakIds<V>, "realmId" | "roleId" | "groupIds">): KeycloakResource<V>[] {
    return (args.groups ?? keycloakClientDefaults.groups).map((group) => ({
        type: keycloakTypes.groupRoles,
        name: `${name}-group-${group}`,
        inputs: {
            realmId: ids.realmId,
            groupId: ids.groupIds[group],
            roleIds: [ids.roleId],
            // Leave the group's other role grants alone.
            exhaustive: false,
        },
    }));
}

/** Every Keycloak resource in registration order (what components/keycloak.ts registers, stage by stage). */
export function keycloakClientResources<V>(name: string, args: KeycloakClientArgs, ids: KeycloakIds<V>): KeycloakResource<V>[] {
    const mappers = protocolMappers(name, args, ids);
    return [openidClient(name, args, ids), clientRole(name, ids), ...mappers.claims, mappers.clientRoles, ...groupGrants(name, args, ids)];
}

/** OpenID Connect endpoints of a realm, relative to the server URL. */
export function realmEndpoints(realm: string): { authorize: string; token: string; userinfo: string } {
    const base = `/realms/${encodeURIComponent(realm)}/protocol/openid-connect`;
    return { authorize: `${base}/auth`, token: `${base}/token`, userinfo: `${base}/userinfo` };
}
