/**
 * What the Keycloak provider would send to Keycloak's admin REST API for the
 * resources our program declares, so a real Keycloak can be configured from
 * the program's exact inputs without the provider plugin (the Go module proxy
 * refuses it; DESIGN.md).
 *
 * The mapping follows terraform-provider-keycloak, which @pulumi/keycloak
 * bridges (github.com/keycloak/terraform-provider-keycloak at 05accfd8,
 * 2026-08-21). Each entry names the provider's field and the JSON it becomes.
 * Pulumi input names are the provider's snake_case fields in camelCase
 * (validRedirectUris = valid_redirect_uris). An input this table does not
 * know is an error: a silently dropped field would make the test prove a
 * client we do not declare.
 *
 * Pure: no I/O. test/sso/applyToKeycloak.ts performs the calls.
 */

/** A reference to something the admin API assigns (a client's UUID, a role id), resolved when applied. */
export interface Reference {
    readonly ref: string;
}

export type Value = string | boolean | number | null | Reference | Value[] | { [key: string]: Value };

/** One admin API request; paths are relative to /admin/realms/{realm}. */
export interface AdminCall {
    readonly method: "POST" | "PUT" | "GET";
    /** Path segments; References become the ids they stand for. */
    readonly path: (string | Reference)[];
    readonly body?: Value;
}

export interface TranslatedResource {
    /** The realm (the provider's realm_id is the realm's name: data_source_keycloak_realm.go sets the id to realm.Realm). */
    readonly realm: Reference | string;
    readonly calls: AdminCall[];
    /** What the created object's id is taken from: the Location header of call N, or a GET by name. */
    readonly idFrom: { readonly locationOfCall: number } | { readonly getPath: (string | Reference)[] } | { readonly none: true };
}

export class UnknownInputError extends Error {}

/** Writes one input into the representation; the comment on each entry cites the provider. */
type FieldMapper = (value: any, target: Record<string, any>) => void;

const set = (key: string): FieldMapper => (value, target) => {
    target[key] = value;
};
const setAttribute = (key: string, encode: (v: any) => string = String): FieldMapper => (value, target) => {
    target.attributes[key] = encode(value);
};
const ignoredHere: FieldMapper = () => {
    // consumed by the translator itself (path parameters)
};

function applyFields(type: string, name: string, inputs: Record<string, any>, fields: Record<string, FieldMapper>, target: Record<string, any>): void {
    const unknown = Object.keys(inputs).filter((key) => !(key in fields));
    if (unknown.length > 0) {
        throw new UnknownInputError(
            `${type} '${name}': input(s) ${unknown.join(", ")} have no translation to Keycloak's representation ` +
            `(known: ${Object.keys(fields).join(", ")}); add them to test/sso/providerTranslation.ts from the provider's source`,
        );
    }
    for (const [key, value] of Object.entries(inputs)) {
        fields[key](value, target);
    }
}

/**
 * keycloak_openid_client: provider/resource_keycloak_openid_client.go
 * getOpenidClientFromData builds keycloak.OpenidClient (keycloak/openid_client.go),
 * whose JSON tags give the names below; NewOpenidClient POSTs it to
 * /realms/{realm}/clients with protocol "openid-connect".
 */
const openidClientFields: Record<string, FieldMapper> = {
    realmId: ignoredHere, // realm_id: the path /realms/{realm}/clients
    clientId: set("clientId"), // client_id -> ClientId `json:"clientId"`
    name: set("name"), // name -> Name `json:"name"` (only when set)
    enabled: set("enabled"), // enabled -> Enabled `json:"enabled"`
    description: set("description"), // description -> Description `json:"description"`
    // access_type: "PUBLIC" -> PublicClient, "BEARER-ONLY" -> BearerOnly, "CONFIDENTIAL" -> neither
    accessType: (value, target) => {
        if (!["CONFIDENTIAL", "PUBLIC", "BEARER-ONLY"].includes(value)) {
            throw new UnknownInputError(`accessType '${value}' is not one of the provider's CONFIDENTIAL, PUBLIC, BEARER-ONLY`);
        }
        target.publicClient = value === "PUBLIC";
        target.bearerOnly = value === "BEARER-ONLY";
    },
    clientAuthenticatorType: set("clientAuthenticatorType"), // client_authenticator_type -> `json:"clientAuthenticatorType"`
    standardFlowEnabled: set("standardFlowEnabled"), // standard_flow_enabled -> `json:"standardFlowEnabled"`
    implicitFlowEnabled: set("implicitFlowEnabled"), // implicit_flow_enabled -> `json:"implicitFlowEnabled"`
    directAccessGrantsEnabled: set("directAccessGrantsEnabled"), // direct_access_grants_enabled -> `json:"directAccessGrantsEnabled"`
    serviceAccountsEnabled: set("serviceAccountsEnabled"), // service_accounts_enabled -> `json:"serviceAccountsEnabled"`
    frontchannelLogoutEnabled: set("frontchannelLogout"), // frontchannel_logout_enabled -> `json:"frontchannelLogout"`
    fullScopeAllowed: set("fullScopeAllowed"), // full_scope_allowed -> `json:"fullScopeAllowed"`
    consentRequired: set("consentRequired"), // consent_required -> `json:"consentRequired"`
    rootUrl: set("rootUrl"), // root_url -> RootUrl `json:"rootUrl,omitempty"`
    baseUrl: set("baseUrl"), // base_url -> `json:"baseUrl"`
    adminUrl: set("adminUrl"), // admin_url -> `json:"adminUrl"`
    validRedirectUris: set("redirectUris"), // valid_redirect_uris -> ValidRedirectUris `json:"redirectUris"`
    webOrigins: set("webOrigins"), // web_origins -> `json:"webOrigins"`
    // valid_post_logout_redirect_uris -> Attributes.PostLogoutRedirectUris, a KeycloakSliceHashDelimited: "a##b"
    validPostLogoutRedirectUris: setAttribute("post.logout.redirect.uris", (uris: string[]) => uris.join("##")),
    pkceCodeChallengeMethod: setAttribute("pkce.code.challenge.method"), // pkce_code_challenge_method
    accessTokenLifespan: setAttribute("access.token.lifespan"), // access_token_lifespan
    useRefreshTokens: setAttribute("use.refresh.tokens"), // use_refresh_tokens, KeycloakBoolQuoted
};

/**
 * What the provider sends for the fields our program leaves unset: the
 * schema's Default where it has one (enabled true, client_authenticator_type
 * "client-secret", full_scope_allowed true, use_refresh_tokens true,
 * backchannel_logout_session_required true), otherwise Go's zero value
 * (getOpenidClientFromData reads every field with data.Get).
 */
function openidClientDefaults(): Record<string, any> {
    return {
        protocol: "openid-connect",
        clientAuthenticatorType: "client-secret",
        enabled: true,
        description: "",
        publicClient: false,
        bearerOnly: false,
        standardFlowEnabled: false,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
        frontchannelLogout: false,
        authorizationServicesEnabled: false,
        redirectUris: [],
        webOrigins: [],
        adminUrl: "",
        baseUrl: "",
        fullScopeAllowed: true,
        consentRequired: false,
        alwaysDisplayInConsole: false,
        authenticationFlowBindingOverrides: { browser: "", direct_grant: "" },
        attributes: {
            "pkce.code.challenge.method": "",
            "exclude.session.state.from.auth.response": "false",
            "exclude.issuer.from.auth.response": "false",
            "access.token.lifespan": "",
            "display.on.consent.screen": "false",
            "use.refresh.tokens": "true",
            "client_credentials.use_refresh_token": "false",
            "backchannel.logout.revoke.offline.tokens": "false",
            "backchannel.logout.session.required": "true",
            "oauth2.device.authorization.grant.enabled": "false",
            "oauth2.jwt.authorization.grant.enabled": "false",
        },
    };
}

/**
 * keycloak_role: provider/resource_keycloak_role.go mapFromDataToRole and
 * keycloak/role.go CreateRole: a client role is POSTed to
 * /realms/{realm}/clients/{client uuid}/roles with clientRole true and
 * containerId = the client's UUID, then read back by name for its id.
 */
const roleFields: Record<string, FieldMapper> = {
    realmId: ignoredHere, // realm_id: path
    clientId: ignoredHere, // client_id: the client's UUID, path and containerId
    name: set("name"), // name -> `json:"name"`
    description: set("description"), // description -> `json:"description"`
};

/**
 * The three OpenID mappers: keycloak/openid_*_protocol_mapper.go
 * convertToGenericProtocolMapper; NewGenericProtocolMapper POSTs them to
 * /realms/{realm}/clients/{client uuid}/protocol-mappers/models
 * (protocol_mapper.go protocolMapperPath). Config keys are the constants in
 * keycloak/protocol_mapper.go; booleans are strconv.FormatBool strings.
 * Schema defaults: add_to_id_token, add_to_access_token, add_to_userinfo true;
 * claim_value_type "String"; multivalued false.
 */
const mapperCommonFields: Record<string, FieldMapper> = {
    realmId: ignoredHere, // realm_id: path
    clientId: ignoredHere, // client_id: path (client_scope_id would pick /client-scopes instead)
    name: set("name"),
    addToIdToken: (v, t) => (t.config["id.token.claim"] = String(v)), // addToIdTokenField
    addToAccessToken: (v, t) => (t.config["access.token.claim"] = String(v)), // addToAccessTokenField
    addToUserinfo: (v, t) => (t.config["userinfo.token.claim"] = String(v)), // addToUserInfoField
};
const mapperDefaults = () => ({ "id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true" });

const mapperKinds: Record<string, { protocolMapper: string; fields: Record<string, FieldMapper>; defaults: Record<string, string> }> = {
    "keycloak:openid/userPropertyProtocolMapper:UserPropertyProtocolMapper": {
        protocolMapper: "oidc-usermodel-property-mapper",
        fields: {
            ...mapperCommonFields,
            userProperty: (v, t) => (t.config["user.attribute"] = v), // userPropertyField
            claimName: (v, t) => (t.config["claim.name"] = v), // claimNameField
            claimValueType: (v, t) => (t.config["jsonType.label"] = v), // claimValueTypeField
        },
        defaults: { "jsonType.label": "String" },
    },
    "keycloak:openid/fullNameProtocolMapper:FullNameProtocolMapper": {
        protocolMapper: "oidc-full-name-mapper",
        fields: mapperCommonFields,
        defaults: {},
    },
    "keycloak:openid/userClientRoleProtocolMapper:UserClientRoleProtocolMapper": {
        protocolMapper: "oidc-usermodel-client-role-mapper",
        fields: {
            ...mapperCommonFields,
            claimName: (v, t) => (t.config["claim.name"] = v),
            claimValueType: (v, t) => (t.config["jsonType.label"] = v),
            multivalued: (v, t) => (t.config.multivalued = String(v)), // multivaluedField
            clientIdForRoleMappings: (v, t) => (t.config["usermodel.clientRoleMapping.clientId"] = v), // userClientRoleMappingClientIdField
            clientRolePrefix: (v, t) => (t.config["usermodel.clientRoleMapping.rolePrefix"] = v), // userClientRoleMappingRolePrefixField
        },
        defaults: { "jsonType.label": "String", multivalued: "false", "usermodel.clientRoleMapping.clientId": "", "usermodel.clientRoleMapping.rolePrefix": "" },
    },
};

/**
 * keycloak_group_roles: provider/resource_keycloak_group_roles.go
 * resourceKeycloakGroupRolesReconcile: each role id is read through
 * /roles-by-id/{id} (role_mapping_helpers.go getExtendedRoleMapping); client
 * roles are POSTed as a list to /groups/{group}/role-mappings/clients/{client
 * uuid} (group_role_mappings.go AddClientRolesToGroup). exhaustive (default
 * true) would also remove the group's other grants; false leaves them.
 */
const groupRolesFields: Record<string, FieldMapper> = {
    realmId: ignoredHere,
    groupId: ignoredHere,
    roleIds: ignoredHere,
    exhaustive: ignoredHere,
};

export interface DeclaredKeycloakResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
}

/** Placeholder ids (`<name>-id`, data-source ids; test/support/rocketchatBuild.ts) become references resolved at apply time. */
const asRef = (value: string): Reference => ({ ref: value });

export function translate(resource: DeclaredKeycloakResource): TranslatedResource {
    const { type, name, inputs } = resource;
    const realm = asRef(inputs.realmId);
    switch (type) {
        case "keycloak:openid/client:Client": {
            const body = openidClientDefaults();
            applyFields(type, name, inputs, openidClientFields, body);
            return { realm, calls: [{ method: "POST", path: ["clients"], body }], idFrom: { locationOfCall: 0 } };
        }
        case "keycloak:index/role:Role": {
            const client = asRef(inputs.clientId);
            const body: Record<string, any> = { description: "", clientRole: true, containerId: client, composite: false, attributes: {} };
            applyFields(type, name, inputs, roleFields, body);
            return {
                realm,
                calls: [{ method: "POST", path: ["clients", client, "roles"], body }],
                idFrom: { getPath: ["clients", client, "roles", encodeURIComponent(body.name)] },
            };
        }
        case "keycloak:index/groupRoles:GroupRoles": {
            applyFields(type, name, inputs, groupRolesFields, {});
            if (inputs.exhaustive !== false) {
                // The provider would remove every other grant of an existing group: our program must never ask for that.
                throw new UnknownInputError(`${type} '${name}': exhaustive is not false; the test refuses to replay a grant that removes other roles`);
            }
            const calls: AdminCall[] = (inputs.roleIds as string[]).map((roleId) => ({
                method: "POST",
                path: ["groups", asRef(inputs.groupId), "role-mappings", "clients", asRef(`container-of:${roleId}`)],
                body: [{ ref: `role:${roleId}` }],
            }));
            return { realm, calls, idFrom: { none: true } };
        }
        default: {
            const kind = mapperKinds[type];
            if (!kind) {
                throw new UnknownInputError(`${type} '${name}': no translation for this resource type in test/sso/providerTranslation.ts`);
            }
            const body: Record<string, any> = {
                name: "",
                protocol: "openid-connect",
                protocolMapper: kind.protocolMapper,
                config: { ...mapperDefaults(), ...kind.defaults },
            };
            applyFields(type, name, inputs, kind.fields, body);
            return {
                realm,
                calls: [{ method: "POST", path: ["clients", asRef(inputs.clientId), "protocol-mappers", "models"], body }],
                idFrom: { locationOfCall: 0 },
            };
        }
    }
}
