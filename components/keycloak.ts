/**
 * The Keycloak client for Rocket.Chat as a component: registers what
 * components/sso/keycloakClientResources.ts builds, stage by stage (client,
 * role, mappers, group grants), each stage with the ids Keycloak gave the
 * previous one. The realm and the groups must exist; they are looked up here.
 *
 * The Keycloak provider is configured from the `keycloak:` config namespace
 * (url, realm, clientId, clientSecret as a secret) unless one is passed in.
 */
import { componentTypes, withFormerTypes } from "./componentTypes";
import * as keycloak from "@pulumi/keycloak";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "./childOptions";
import {
    clientRole,
    groupGrants,
    KeycloakClientArgs,
    KeycloakResource,
    KeycloakResourceType,
    keycloakTypes,
    openidClient,
    protocolMappers,
} from "./sso/keycloakClientResources";

export { KeycloakClientArgs, oauthCallbackPath, realmEndpoints, rocketchatUsersRole } from "./sso/keycloakClientResources";

type Id = pulumi.Input<string>;

const resourceClasses: Record<KeycloakResourceType, new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource> = {
    [keycloakTypes.client]: keycloak.openid.Client,
    [keycloakTypes.role]: keycloak.Role,
    [keycloakTypes.userPropertyMapper]: keycloak.openid.UserPropertyProtocolMapper,
    [keycloakTypes.fullNameMapper]: keycloak.openid.FullNameProtocolMapper,
    [keycloakTypes.clientRoleMapper]: keycloak.openid.UserClientRoleProtocolMapper,
    [keycloakTypes.groupRoles]: keycloak.GroupRoles,
};

/** Registers one built entry with the provider class its type token names. */
function declareKeycloakResource<T extends pulumi.CustomResource>(entry: KeycloakResource<Id>, opts: pulumi.CustomResourceOptions): T {
    return new resourceClasses[entry.type](entry.name, entry.inputs, opts) as T;
}

export class KeycloakClient extends pulumi.ComponentResource {
    public readonly clientId: pulumi.Output<string>;
    /** The confidential client's secret (a Pulumi secret). */
    public readonly clientSecret: pulumi.Output<string>;

    constructor(name: string, args: KeycloakClientArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.KeycloakClient.token, name, {}, withFormerTypes("KeycloakClient", opts));
        const child = childOf(this, opts);
        const realmId = keycloak.getRealmOutput({ realm: args.realm }, child).id;

        const client = declareKeycloakResource<keycloak.openid.Client>(openidClient(name, args, { realmId }), child);
        const role = declareKeycloakResource<keycloak.Role>(clientRole(name, { realmId, clientUuid: client.id }), child);
        const mappers = protocolMappers(name, args, { realmId, clientUuid: client.id });
        for (const mapper of mappers.claims) {
            declareKeycloakResource(mapper, child);
        }
        declareKeycloakResource(mappers.clientRoles, childOf(this, opts, [role]));
        const groupIds = Object.fromEntries((args.groups ?? []).map((group) => [group, keycloak.getGroupOutput({ realmId, name: group }, child).id]));
        for (const grant of groupGrants(name, args, { realmId, roleId: role.id, groupIds })) {
            declareKeycloakResource(grant, child);
        }

        this.clientId = client.clientId;
        this.clientSecret = pulumi.secret(client.clientSecret);
        this.registerOutputs({ clientId: this.clientId });
    }
}
