/**
 * Applies the Keycloak resources a stack declares (as the mock runtime
 * captured them) to a real Keycloak through the admin REST API, the way the
 * provider would (test/sso/providerTranslation.ts), and returns what the
 * provider would have read back: the ids and the client's generated secret.
 */
import { DeclaredResource, StackRun } from "../../tools/mockRuntime";
import { KeycloakAdmin } from "./keycloakAdmin";
import { AdminCall, Reference, translate, Value } from "./providerTranslation";

export interface Applied {
    /** Mock value -> the value the real Keycloak gave (ids, the client secret). */
    readonly realValues: Map<string, string>;
    /** The realm the program's data source looked up. */
    readonly realm: string;
}

const isReference = (value: unknown): value is Reference => typeof value === "object" && value !== null && "ref" in value;

/** The Keycloak resources in the order the program registered them (dependencies come first). */
export function declaredKeycloakResources(run: StackRun): DeclaredResource[] {
    return run.resources.filter((r) => r.type.startsWith("keycloak:"));
}

/**
 * The data sources the program read (mock runtime `lookups`): getRealm's id is
 * the realm name (data_source_keycloak_realm.go: data.SetId(realm.Realm));
 * getGroup searches the realm's groups for the exact name
 * (keycloak/group.go GetGroupByName: GET /groups?search=<name>).
 */
async function resolveLookups(run: StackRun, admin: KeycloakAdmin, realValues: Map<string, string>): Promise<string> {
    const realms = run.lookups.filter((l) => l.token === "keycloak:index/getRealm:getRealm");
    if (realms.length !== 1) {
        throw new Error(`${run.stack}: expected one getRealm lookup, found ${realms.length}`);
    }
    const realm = realms[0].inputs.realm as string;
    realValues.set(realms[0].id, realm);
    for (const lookup of run.lookups.filter((l) => l.token === "keycloak:index/getGroup:getGroup")) {
        const groups: any[] = await admin.get(`/${realm}/groups?search=${encodeURIComponent(lookup.inputs.name)}&exact=true`);
        const group = groups.find((g) => g.name === lookup.inputs.name);
        if (!group) {
            throw new Error(`${run.stack}: group '${lookup.inputs.name}' does not exist in realm ${realm}; the program expects existing groups`);
        }
        realValues.set(lookup.id, group.id);
    }
    const other = run.lookups.filter((l) => l.token.startsWith("keycloak:") && !/getRealm|getGroup/.test(l.token));
    if (other.length > 0) {
        throw new Error(`${run.stack}: no translation for data source(s) ${other.map((l) => l.token).join(", ")}`);
    }
    return realm;
}

export async function applyDeclaredResources(run: StackRun, admin: KeycloakAdmin): Promise<Applied> {
    const realValues = new Map<string, string>();
    const realm = await resolveLookups(run, admin, realValues);
    const real = (mock: string): string => {
        const value = realValues.get(mock);
        if (value === undefined) {
            throw new Error(`${run.stack}: '${mock}' refers to nothing applied so far`);
        }
        return value;
    };
    /**
     * GroupRoles' role references: the provider reads each role by id
     * (GetRole: /roles-by-id/{id}) and posts that representation to the
     * role's container (its client's UUID).
     */
    const roleById = async (mockRoleId: string) => admin.get(`/${realm}/roles-by-id/${real(mockRoleId)}`);
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

    for (const resource of declaredKeycloakResources(run)) {
        const translated = translate(resource);
        if ((await resolve(translated.realm)) !== realm) {
            throw new Error(`${resource.name}: declared in another realm than the one looked up`);
        }
        const locations: (string | null)[] = [];
        for (const call of translated.calls as AdminCall[]) {
            const response = await admin.request(call.method, await pathOf(call.path), call.body === undefined ? undefined : await resolve(call.body));
            locations.push(response.location);
        }
        const mockId = `${resource.name}-id`;
        if ("locationOfCall" in translated.idFrom) {
            realValues.set(mockId, locations[translated.idFrom.locationOfCall]!.split("/").pop()!);
        } else if ("getPath" in translated.idFrom) {
            realValues.set(mockId, (await admin.get(await pathOf(translated.idFrom.getPath))).id);
        }
        if (resource.type === "keycloak:openid/client:Client") {
            // client_secret is Optional+Computed: Keycloak generates it and the
            // provider reads it back (openid_client.go GetOpenidClient:
            // GET /clients/{id}/client-secret) into the clientSecret output.
            const secret = await admin.get(`/${realm}/clients/${real(mockId)}/client-secret`);
            realValues.set(run.computed.get(`${resource.name}.clientSecret`)!, secret.value);
        }
    }
    return { realValues, realm };
}
