/**
 * A minimal client of Keycloak's admin REST API (/admin/realms/...), logged in
 * as the bootstrap admin through admin-cli's password grant, as kcadm.sh does.
 */
export class KeycloakAdmin {
    private constructor(private readonly baseUrl: string, private readonly token: string) {}

    static async login(baseUrl: string, username: string, password: string): Promise<KeycloakAdmin> {
        const response = await fetch(`${baseUrl}/realms/master/protocol/openid-connect/token`, {
            method: "POST",
            body: new URLSearchParams({ grant_type: "password", client_id: "admin-cli", username, password }),
        });
        if (!response.ok) {
            throw new Error(`admin login failed: ${response.status} ${await response.text()}`);
        }
        return new KeycloakAdmin(baseUrl, ((await response.json()) as any).access_token);
    }

    /** Sends one request; fails with Keycloak's own answer on any non-2xx status. */
    async request(method: string, path: string, body?: unknown): Promise<{ status: number; location: string | null; json: any }> {
        const response = await fetch(`${this.baseUrl}/admin/realms${path}`, {
            method,
            headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) {
            throw new Error(`Keycloak refused ${method} /admin/realms${path}: ${response.status} ${text}\nbody sent: ${JSON.stringify(body)}`);
        }
        return { status: response.status, location: response.headers.get("location"), json: text ? JSON.parse(text) : undefined };
    }

    async get(path: string): Promise<any> {
        return (await this.request("GET", path)).json;
    }

    /** POSTs and returns the id from the Location header (how the provider learns ids: getIdFromLocationHeader). */
    async create(path: string, body: unknown): Promise<string> {
        const { location } = await this.request("POST", path, body);
        if (!location) {
            throw new Error(`POST /admin/realms${path} answered without a Location header`);
        }
        return location.split("/").pop()!;
    }
}
