/**
 * Rocket.Chat's custom OAuth login, replayed from the values our program puts
 * into Rocket.Chat's environment. Sources (RocketChat/Rocket.Chat, develop):
 * - apps/meteor/server/lib/oauth/updateOAuthServices.ts: the service key is the
 *   setting name after "Accounts_OAuth_Custom-", lowercased ("keycloak"); the
 *   settings `<key>-url`, `-token_path`, ... feed `new CustomOAuth(...)`.
 * - apps/meteor/client/lib/customOAuth/CustomOAuth.ts requestCredential: the
 *   browser goes to `authorizePath` (serverURL + path unless absolute) with
 *   client_id (not encoded), redirect_uri = OAuth._redirectUri(name) =
 *   ROOT_URL/_oauth/<name>, response_type=code, state, scope.
 * - apps/meteor/app/custom-oauth/server/custom_oauth_server.ts (commit 52e31402):
 *   configure: identity_token_sent_via null or "default" means token_sent_via;
 *   token and identity paths are prefixed with serverURL unless absolute.
 *   getAccessToken: POST form {code, redirect_uri, grant_type:
 *   authorization_code, state}; token_sent_via "header" sends
 *   `Authorization: Basic base64(clientId:secret)`, anything else adds
 *   client_secret and client_id to the form; a non-2xx answer or a JSON
 *   `error` fails the login.
 *   getIdentity: identity_token_sent_via "header" sends `Authorization: Bearer
 *   <access_token>`, anything else the query parameter named by
 *   access_token_param; then normalizeIdentity: the normalizers
 *   (transform_helpers.ts: `sub` becomes `id` for Keycloak), username from
 *   username_field and email from email_field via fromTemplate (a missing
 *   value throws "Username field ... not found"), name from name_field or
 *   getName's fallbacks; roles are read from roles_claim (default "roles").
 */
/** What Rocket.Chat's pods are given: the container's environment and the Secrets it refers to, as the builders return them. */
export interface RocketChatEnvironmentSource {
    /** Named in error messages. */
    readonly stack: string;
    readonly env: readonly any[];
    readonly secrets: readonly any[];
}

/** The settings Rocket.Chat's OAuth service is built from, as the program sets them. */
export interface RocketChatOAuthService {
    readonly serviceKey: string;
    readonly rootUrl: string;
    readonly redirectUri: string;
    readonly clientId: string;
    /** The client secret as the Secret the env var points at holds it (a mock value until mapped to the real one). */
    readonly secret: string;
    readonly serverURL: string;
    readonly authorizeUrl: string;
    readonly tokenUrl: string;
    readonly identityUrl: string;
    readonly scope: string;
    readonly loginStyle: string;
    readonly tokenSentVia: string;
    readonly identityTokenSentVia: string;
    readonly accessTokenParam: string;
    readonly usernameField: string;
    readonly emailField: string;
    readonly nameField: string;
    readonly rolesClaim: string;
}

/**
 * Select settings and their keys (apps/meteor/server/lib/oauth/addOAuthService.ts):
 * any other value leaves the setting invalid in Rocket.Chat, so it fails here.
 */
const selectKeys: Record<string, string[]> = {
    login_style: ["redirect", "popup", ""],
    token_sent_via: ["header", "payload"],
    identity_token_sent_via: ["default", "header", "payload"],
    key_field: ["username", "email"],
};

const isAbsoluteUrl = (value: string) => /^https?:\/\//i.test(value);

/** Reads the value of an env var, following secretKeyRef into the Secret the program declares. */
function envValue(source: RocketChatEnvironmentSource, entry: any): string {
    if (entry.value !== undefined) {
        return entry.value;
    }
    const ref = entry.valueFrom?.secretKeyRef;
    if (!ref) {
        throw new Error(`${entry.name}: neither a value nor a secretKeyRef`);
    }
    const secret = source.secrets.find((candidate) => candidate.metadata.name === ref.name);
    if (!secret) {
        throw new Error(`${entry.name}: no Secret ${ref.name} among ${source.secrets.map((c) => c.metadata.name).join(", ")}`);
    }
    const value = secret.stringData?.[ref.key] ?? (secret.data?.[ref.key] !== undefined ? Buffer.from(secret.data[ref.key], "base64").toString() : undefined);
    if (value === undefined) {
        throw new Error(`${entry.name}: Secret ${ref.name} has no key ${ref.key}`);
    }
    return value;
}

/**
 * The service as Rocket.Chat configures it on every start: from the
 * OVERWRITE_SETTING_Accounts_OAuth_Custom-<Name>-<suffix> variables (they win
 * over the creation form; apps/meteor/app/settings/server/functions/overwriteSetting.ts).
 */
export function oauthServiceFromEnvironment(source: RocketChatEnvironmentSource): RocketChatOAuthService {
    const env = new Map<string, any>(source.env.map((e: any) => [e.name, e]));
    const prefix = "OVERWRITE_SETTING_Accounts_OAuth_Custom-";
    const enabled = [...env.keys()].filter((name) => name.startsWith(prefix) && !name.slice(prefix.length).includes("-"));
    if (enabled.length !== 1 || env.get(enabled[0]).value !== "true") {
        throw new Error(`${source.stack}: expected one enabled custom OAuth service, found ${enabled.join(", ") || "none"}`);
    }
    const name = enabled[0].slice(prefix.length);
    const setting = (suffix: string): string | undefined => {
        const entry = env.get(`${prefix}${name}-${suffix}`);
        return entry === undefined ? undefined : envValue(source, entry);
    };
    for (const [suffix, keys] of Object.entries(selectKeys)) {
        const value = setting(suffix);
        if (value !== undefined && !keys.includes(value)) {
            throw new Error(`${source.stack}: ${prefix}${name}-${suffix}=${value} is not one of Rocket.Chat's keys ${keys.join(", ")}`);
        }
    }
    const rootUrl = envValue(source, env.get("ROOT_URL"));
    const serverURL = setting("url") ?? "";
    const withServer = (value: string) => (isAbsoluteUrl(value) ? value : serverURL + value);
    const serviceKey = name.toLowerCase();
    const tokenSentVia = setting("token_sent_via") ?? "payload";
    const identitySetting = setting("identity_token_sent_via");
    return {
        serviceKey,
        rootUrl,
        // Meteor's OAuth._redirectUri: Meteor.absoluteUrl(`_oauth/${serviceName}`), ROOT_URL based.
        redirectUri: `${rootUrl.replace(/\/$/, "")}/_oauth/${serviceKey}`,
        clientId: setting("id") ?? "",
        secret: setting("secret") ?? "",
        serverURL,
        // Defaults as in CustomOAuth.configure (client and server).
        authorizeUrl: withServer(setting("authorize_path") ?? "/oauth/authorize"),
        tokenUrl: withServer(setting("token_path") ?? "/oauth/token"),
        identityUrl: withServer(setting("identity_path") ?? "/me"),
        scope: setting("scope") ?? "openid",
        loginStyle: setting("login_style") ?? "popup",
        tokenSentVia,
        identityTokenSentVia: identitySetting === undefined || identitySetting === "default" ? tokenSentVia : identitySetting,
        accessTokenParam: setting("access_token_param") ?? "access_token",
        usernameField: (setting("username_field") ?? "").trim(),
        emailField: (setting("email_field") ?? "").trim(),
        nameField: (setting("name_field") ?? "").trim(),
        rolesClaim: setting("roles_claim") || "roles",
    };
}

/**
 * A browser with a cookie jar that reaches Keycloak's public URL on loopback:
 * requests to the public origin go to the local server (what DNS plus a TLS
 * proxy do in production); any other origin is refused, so a step that would
 * leave Keycloak (the redirect back to Rocket.Chat) is never followed.
 */
export class Browser {
    private readonly cookies = new Map<string, string>();

    constructor(private readonly publicOrigin: string, private readonly localOrigin: string) {}

    private local(url: string): string {
        const parsed = new URL(url);
        if (parsed.origin !== this.publicOrigin) {
            throw new Error(`the login left Keycloak: ${url}`);
        }
        return this.localOrigin + parsed.pathname + parsed.search;
    }

    async request(url: string, init: RequestInit = {}): Promise<Response> {
        const headers = new Headers(init.headers);
        if (this.cookies.size > 0) {
            headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
        }
        const response = await fetch(this.local(url), { ...init, headers, redirect: "manual" });
        for (const cookie of response.headers.getSetCookie()) {
            const [pair] = cookie.split(";");
            const at = pair.indexOf("=");
            this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
        }
        return response;
    }
}

/** The words of a Keycloak page (its error message, e.g. "Invalid parameter: redirect_uri"), without markup. */
export function pageText(html: string): string {
    return html
        .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim()
        .slice(0, 600);
}

const decodeHtml = (value: string) => value.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/** Keycloak's login form action (themes/keycloak.v2 login.ftl: form id kc-form-login). */
function loginFormAction(html: string): string {
    const form = /<form[^>]*id="kc-form-login"[^>]*>/i.exec(html)?.[0];
    const action = form && /action="([^"]+)"/i.exec(form)?.[1];
    if (!action) {
        throw new Error(`no Keycloak login form in the authorize answer: ${pageText(html)}`);
    }
    return decodeHtml(action);
}

/** Meteor's OAuth._stateParam: base64 of {loginStyle, credentialToken, isCordova}. */
function stateParam(loginStyle: string): string {
    const credentialToken = Math.random().toString(36).slice(2);
    return Buffer.from(JSON.stringify({ loginStyle, credentialToken, isCordova: false })).toString("base64");
}

/** The URL CustomOAuth.requestCredential opens, with an optional redirect URI to try a wrong one. */
export function authorizeUrl(service: RocketChatOAuthService, state: string, redirectUri = service.redirectUri): string {
    const separator = service.authorizeUrl.includes("?") ? "&" : "?";
    return `${service.authorizeUrl}${separator}client_id=${service.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}` +
        `&response_type=code&state=${encodeURIComponent(state)}&scope=${encodeURIComponent(service.scope)}`;
}

/** Client credentials exactly as getAccessToken sends them for token_sent_via. */
export function withClientCredentials(service: RocketChatOAuthService, secret: string, params: URLSearchParams): Record<string, string> {
    const headers: Record<string, string> = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "Meteor",
        Accept: "application/json",
    };
    if (service.tokenSentVia === "header") {
        headers.Authorization = `Basic ${Buffer.from(`${service.clientId}:${secret}`).toString("base64")}`;
    } else {
        params.append("client_secret", secret);
        params.append("client_id", service.clientId || "");
    }
    return headers;
}

export interface SignIn {
    /** The userinfo answer as Keycloak sent it. */
    readonly rawIdentity: Record<string, any>;
    /** What Rocket.Chat's normalizeIdentity makes of it. */
    readonly identity: { id?: string; username?: string; email?: string; name?: string; roles?: unknown };
    readonly tokenResponse: Record<string, any>;
}

/** Rocket.Chat's fromTemplate for a plain field path (getNestedValue: dot-separated). */
const nested = (path: string, data: any) => path.split(".").reduce((prev: any, key) => (prev ? prev[key] : undefined), data);

function normalizeIdentity(service: RocketChatOAuthService, raw: Record<string, any>): SignIn["identity"] {
    const identity: Record<string, any> = { ...raw };
    if (identity.sub && !identity.id) {
        identity.id = identity.sub; // transform_helpers.ts normalizers.kaycloak
    }
    if (service.usernameField) {
        identity.username = nested(service.usernameField, identity);
        if (!identity.username) {
            throw new Error(`CustomOAuth: Failed to extract username: Username field "${service.usernameField}" not found in data ${JSON.stringify(raw)}`);
        }
    }
    if (service.emailField) {
        identity.email = nested(service.emailField, identity);
        if (!identity.email) {
            throw new Error(`CustomOAuth: Failed to extract email: Email field "${service.emailField}" not found in data ${JSON.stringify(raw)}`);
        }
    }
    identity.name = (service.nameField && nested(service.nameField, identity)) || identity.name || identity.username || identity.preferred_username;
    return { id: identity.id, username: identity.username, email: identity.email, name: identity.name, roles: identity[service.rolesClaim] };
}

/**
 * One full login: the browser side (authorize, Keycloak's login form, the
 * redirect back with a code, not followed), then Rocket.Chat's server side
 * (code exchange, identity). `secret` is the client secret Rocket.Chat reads.
 */
export async function signIn(service: RocketChatOAuthService, secret: string, browser: Browser, user: { username: string; password: string }): Promise<SignIn> {
    const state = stateParam(service.loginStyle);
    const page = await browser.request(authorizeUrl(service, state));
    const html = await page.text();
    if (page.status !== 200) {
        throw new Error(`authorize answered ${page.status}: ${pageText(html)}`);
    }
    const loggedIn = await browser.request(loginFormAction(html), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: user.username, password: user.password, credentialId: "" }),
    });
    const location = loggedIn.headers.get("location");
    if (loggedIn.status !== 302 || !location?.startsWith(`${service.redirectUri}?`)) {
        throw new Error(`login form answered ${loggedIn.status} ${location ?? ""}: ${pageText(await loggedIn.text())}`);
    }
    const callback = new URL(location).searchParams;
    if (callback.get("state") !== state || !callback.get("code")) {
        throw new Error(`the redirect to Rocket.Chat lacks the code or changed the state: ${location}`);
    }

    // Server side: CustomOAuth.getAccessToken.
    const params = new URLSearchParams({ code: callback.get("code")!, redirect_uri: service.redirectUri, grant_type: "authorization_code", state });
    const headers = withClientCredentials(service, secret, params);
    const tokenAnswer = await browser.request(service.tokenUrl, { method: "POST", headers, body: params });
    const tokenResponse = (await tokenAnswer.json()) as Record<string, any>;
    if (!tokenAnswer.ok || tokenResponse.error) {
        throw new Error(`Failed to complete OAuth handshake at ${service.tokenUrl}: ${tokenAnswer.status} ${JSON.stringify(tokenResponse)}`);
    }

    // CustomOAuth.getIdentity.
    const identityHeaders: Record<string, string> = { "User-Agent": "Meteor", Accept: "application/json" };
    let identityUrl = service.identityUrl;
    if (service.identityTokenSentVia === "header") {
        identityHeaders.Authorization = `Bearer ${tokenResponse.access_token}`;
    } else {
        identityUrl += `${identityUrl.includes("?") ? "&" : "?"}${service.accessTokenParam}=${encodeURIComponent(tokenResponse.access_token)}`;
    }
    const identityAnswer = await browser.request(identityUrl, { headers: identityHeaders });
    if (!identityAnswer.ok) {
        throw new Error(`Failed to fetch identity at ${service.identityUrl}: ${identityAnswer.status} ${await identityAnswer.text()}`);
    }
    const rawIdentity = (await identityAnswer.json()) as Record<string, any>;
    return { rawIdentity, identity: normalizeIdentity(service, rawIdentity), tokenResponse };
}
