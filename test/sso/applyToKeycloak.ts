/**
 * Applies the Keycloak resources a stack declares (as the pure builder returns
 * them, components/sso/keycloakClientResources.ts) to a real Keycloak through
 * the admin REST API, the way the provider would
 * (test/sso/providerTranslation.ts), and returns what the provider would have
 * read back: the ids and the client's generated secret.
 */
import { KeycloakIds, KeycloakResource } from "../../components/sso/keycloakClientResources";
import { KeycloakAdmin } from "./keycloakAdmin";
import { AdminCall, Reference, translate, Value } from "./providerTranslation";

/** A stack's Keycloak side as the program declares it, with placeholders for what only Keycloak knows. */
export interface KeycloakPlan {
    /** Named in error messages. */
    readonly stack: string;
    /** The realm the component looks up (getRealm); it must exist. */
    readonly realm: string;
    /** The groups the component looks up (getGroup); they must exist. */
    readonly groups: readonly string[];
    /** Placeholders for the looked-up and the created ids; created ones are `<resource name>-id`. */
    readonly ids: KeycloakIds<string>;
    /** The resources in registration order (dependencies come first). */
    readonly resources: readonly KeycloakResource<string>[];
    /** Placeholder for the client's generated secret (what the oauth Secret holds). */
    readonly clientSecret: string;
}

export interface Applied {
    /** Placeholder -> the value the real Keycloak gave (ids, the client secret). */
    readonly realValues: Map<string, string>;
    /** The realm the program's data source looked up. */
    readonly realm: string;
}

const isReference = (value: unknown): value is Reference => typeof value === "object" && value !== null && "ref" in value;

/**
 * The data sources the program reads: getRealm's id is the realm name
 * (data_source_keycloak_realm.go: data.SetId(realm.Realm)); getGroup searches
 * the realm's groups for the exact name (keycloak/group.go GetGroupByName:
 * GET /groups?search=<name>).
 */
async function resolveLookups(plan: KeycloakPlan, admin: KeycloakAdmin, realValues: Map<string, string>): Promise<string> {
    const realm = plan.realm;
    realValues.set(plan.ids.realmId, realm);
    for (const name of plan.groups) {
        const groups: any[] = await admin.get(`/${realm}/groups?search=${encodeURIComponent(name)}&exact=true`);
        const group = groups.find((g) => g.name === name);
        if (!group) {
            throw new Error(`${plan.stack}: group '${name}' does not exist in realm ${realm}; the program expects existing groups`);
        }
        realValues.set(plan.ids.groupIds[name], group.id);
    }
    return realm;
}

export async function applyDeclaredResources(plan: KeycloakPlan, admin: KeycloakAdmin): Promise<Applied> {
    const realValues = new Map<string, string>();
    const realm = await resolveLookups(plan, admin, realValues);
    const real = (placeholder: string): string => {
        const value = realValues.get(placeholder);
        if (value === undefined) {
            throw new Error(`${plan.stack}: '${placeholder}' refers to nothing applied so far`);
        }
        return value;
    };
    /**
     * GroupRoles' role references: the provider reads each role by id
     * (GetRole: /roles-by-id/{id}) and posts that representation to the
     * role's container (its client's UUID).
     */
    const roleById = async (placeholderRoleId: string) => admin.get(`/${realm}/roles-by-id/${real(placeholderRoleId)}`);
    const resolve = async (value: Value): Promise<any> => {
        if (isReference(value)) {
            if (value.ref.startsWith("role:")) {
                return roleById(value.ref.slice("role:".length));
            }
            if (value.ref.startsWith("container-of:")) {
                return (await roleById(value.ref.slice("container-of:".length))).containerId;
            }
            return real(value.ref);
        }
        if (Array.isArray(value)) {
            return Promise.all(value.map(resolve));
        }
        if (value && typeof value === "object") {
            return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolve(v)])));
        }
        return value;
    };
    const pathOf = async (segments: (string | Reference)[]) => `/${realm}/` + (await Promise.all(segments.map(resolve))).join("/");

    for (const resource of plan.resources) {
        const translated = translate(resource);
        if ((await resolve(translated.realm)) !== realm) {
            throw new Error(`${resource.name}: declared in another realm than the one looked up`);
        }
        const locations: (string | null)[] = [];
        for (const call of translated.calls as AdminCall[]) {
            const response = await admin.request(call.method, await pathOf(call.path), call.body === undefined ? undefined : await resolve(call.body));
            locations.push(response.location);
        }
        const placeholderId = `${resource.name}-id`;
        if ("locationOfCall" in translated.idFrom) {
            realValues.set(placeholderId, locations[translated.idFrom.locationOfCall]!.split("/").pop()!);
        } else if ("getPath" in translated.idFrom) {
            realValues.set(placeholderId, (await admin.get(await pathOf(translated.idFrom.getPath))).id);
        }
        if (resource.type === "keycloak:openid/client:Client") {
            // client_secret is Optional+Computed: Keycloak generates it and the
            // provider reads it back (openid_client.go GetOpenidClient:
            // GET /clients/{id}/client-secret) into the clientSecret output.
            const secret = await admin.get(`/${realm}/clients/${real(placeholderId)}/client-secret`);
            realValues.set(plan.clientSecret, secret.value);
        }
    }
    return { realValues, realm };
}
