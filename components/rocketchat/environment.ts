/**
 * Rocket.Chat's configuration as container environment.
 *
 * Two mechanisms, both read by Rocket.Chat at every start:
 * - `Accounts_OAuth_Custom_<Name>_<suffix>` (underscores) creates a custom
 *   OAuth service; its values only seed a service that does not exist yet
 *   (apps/meteor/server/lib/oauth/initCustomOAuthServices.ts).
 * - `OVERWRITE_SETTING_<settingId>` enforces a setting's value on every start
 *   (apps/meteor/app/settings/server/functions/overwriteSetting.ts). Custom
 *   OAuth setting ids use hyphens: `Accounts_OAuth_Custom-Keycloak-url`
 *   (apps/meteor/server/lib/oauth/addOAuthService.ts).
 * Select settings take lowercase keys (`redirect`, `header`, `completed`);
 * the old runbook's `Redirect`/`Header` are not valid keys, which is why it
 * needed manual fixes in the admin UI.
 */
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { Opaque } from "../kubernetesObjects";
import { realmEndpoints } from "../sso/keycloakClientResources";

/** A container environment entry whose Secret names and values may be opaque (V: a placeholder or a pulumi.Output). */
export type EnvVar<V> = Opaque<IEnvVar, V>;

/** The service name; Rocket.Chat derives the callback /_oauth/keycloak from it. */
export const oauthServiceName = "Keycloak";
export const uploadsPath = "/app/uploads";
export const httpPort = 3000;

export interface SsoEnvironment<V> {
    /** Keycloak base URL plus base path, e.g. https://sso.example.org or https://sso.example.org/auth. */
    readonly serverUrl: string;
    readonly realm: string;
    readonly clientId: string | V;
    /** Secret and key holding the OpenID client secret. */
    readonly clientSecretRef: { readonly name: string | V; readonly key: string };
    readonly buttonLabel: string;
}

export interface RocketChatEnvironmentArgs<V> {
    readonly hostname: string;
    /** Secret with key `mongo-url`. */
    readonly connectionSecretName: string | V;
    /** Secret with keys username, password, email of the break-glass admin. */
    readonly adminSecretName: string | V;
    /** Keycloak login; undefined keeps the local login form. */
    readonly sso?: SsoEnvironment<V>;
    readonly uploads: {
        readonly storage: "FileSystem" | "GridFS";
        readonly maxFileSizeBytes: number;
        readonly mediaTypeWhitelist: readonly string[];
    };
    readonly retention: {
        readonly enabled: boolean;
        readonly channelsDays: number;
        readonly groupsDays: number;
        readonly directDays: number;
        readonly filesOnly: boolean;
    };
    /** Existing Secret with key `license`. */
    readonly licenseSecretName?: string;
    /** Existing Secret with keys host, port, username, password, from. */
    readonly smtpSecretName?: string;
    /** Port of the Prometheus endpoint. Defaults to none: the endpoint is switched off. */
    readonly metricsPort?: number;
}

const value = (name: string, v: string | number | boolean): EnvVar<never> => ({ name, value: String(v) });
const overwrite = (settingId: string, v: string | number | boolean) => value(`OVERWRITE_SETTING_${settingId}`, v);
/** A variable filled from one key of a Secret: credentials never appear as literals. */
const envFromSecret = <V>(name: string, secretName: string | V, key: string): EnvVar<V> => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });
const dayMs = 24 * 60 * 60 * 1000;

/**
 * The custom OAuth service settings as suffix -> value (client id and secret
 * handled separately). Shared by both the creation and the overwrite form.
 */
export function oauthSettings(sso: SsoEnvironment<unknown>): Record<string, string> {
    const endpoints = realmEndpoints(sso.realm);
    return {
        url: sso.serverUrl,
        token_path: endpoints.token,
        identity_path: endpoints.userinfo,
        authorize_path: endpoints.authorize,
        scope: "openid profile email",
        access_token_param: "access_token",
        login_style: "redirect",
        token_sent_via: "header",
        identity_token_sent_via: "header",
        key_field: "username",
        username_field: "preferred_username",
        email_field: "email",
        name_field: "name",
        roles_claim: "roles",
        merge_users: "true",
        show_button: "true",
        button_label_text: sso.buttonLabel,
    };
}

function ssoEnvironment<V>(sso: SsoEnvironment<V>): EnvVar<V>[] {
    const settings = oauthSettings(sso);
    const create = `Accounts_OAuth_Custom_${oauthServiceName}`;
    const enforce = `Accounts_OAuth_Custom-${oauthServiceName}`;
    return [
        // Creation form: makes the service exist on the very first start.
        value(create, true),
        ...Object.entries(settings).map(([suffix, v]) => value(`${create}_${suffix}`, v)),
        { name: `${create}_id`, value: sso.clientId },
        envFromSecret(`${create}_secret`, sso.clientSecretRef.name, sso.clientSecretRef.key),
        // Overwrite form: keeps every value enforced on each restart.
        overwrite(enforce, true),
        ...Object.entries(settings).map(([suffix, v]) => overwrite(`${enforce}-${suffix}`, v)),
        { name: `OVERWRITE_SETTING_${enforce}-id`, value: sso.clientId },
        envFromSecret(`OVERWRITE_SETTING_${enforce}-secret`, sso.clientSecretRef.name, sso.clientSecretRef.key),
        // Keycloak is the only login; the break-glass admin can still use the
        // REST API (/api/v1/login) or re-enable the form with this setting.
        overwrite("Accounts_ShowFormLogin", false),
        // Hiding the form does not close registration: its default is Public
        // (apps/meteor/server/settings/accounts.ts) and the registerUser method
        // behind POST /api/v1/users.register refuses only 'Disabled'. Accounts
        // made through Keycloak are not form registrations and still work.
        overwrite("Accounts_RegistrationForm", "Disabled"),
    ];
}

function uploadsEnvironment(uploads: RocketChatEnvironmentArgs<never>["uploads"]): EnvVar<never>[] {
    return [
        overwrite("FileUpload_Storage_Type", uploads.storage),
        ...(uploads.storage === "FileSystem" ? [overwrite("FileUpload_FileSystemPath", uploadsPath)] : []),
        overwrite("FileUpload_MaxFileSize", uploads.maxFileSizeBytes),
        overwrite("FileUpload_MediaTypeWhiteList", uploads.mediaTypeWhitelist.join(",")),
    ];
}

/** Rocket.Chat 6.x+ prunes by RetentionPolicy_TTL_* (milliseconds); MaxAge_* (days) is legacy. */
function retentionEnvironment(retention: RocketChatEnvironmentArgs<never>["retention"]): EnvVar<never>[] {
    if (!retention.enabled) {
        return [overwrite("RetentionPolicy_Enabled", false)];
    }
    return [
        overwrite("RetentionPolicy_Enabled", true),
        overwrite("RetentionPolicy_AppliesToChannels", true),
        overwrite("RetentionPolicy_AppliesToGroups", true),
        overwrite("RetentionPolicy_AppliesToDMs", true),
        overwrite("RetentionPolicy_TTL_Channels", retention.channelsDays * dayMs),
        overwrite("RetentionPolicy_TTL_Groups", retention.groupsDays * dayMs),
        overwrite("RetentionPolicy_TTL_DMs", retention.directDays * dayMs),
        overwrite("RetentionPolicy_FilesOnly", retention.filesOnly),
    ];
}

function smtpEnvironment(secretName: string): EnvVar<never>[] {
    return [
        envFromSecret("OVERWRITE_SETTING_SMTP_Host", secretName, "host"),
        envFromSecret("OVERWRITE_SETTING_SMTP_Port", secretName, "port"),
        envFromSecret("OVERWRITE_SETTING_SMTP_Username", secretName, "username"),
        envFromSecret("OVERWRITE_SETTING_SMTP_Password", secretName, "password"),
        envFromSecret("OVERWRITE_SETTING_From_Email", secretName, "from"),
    ];
}

/**
 * The Prometheus endpoint (apps/meteor/app/metrics/server/lib/collectMetrics.ts):
 * a separate HTTP server on PROMETHEUS_PORT, which wins over the setting
 * Prometheus_Port; both are set so the admin UI shows the port in use.
 */
function metricsEnvironment(port: number | undefined): EnvVar<never>[] {
    return port === undefined
        ? [overwrite("Prometheus_Enabled", false)]
        : [overwrite("Prometheus_Enabled", true), overwrite("Prometheus_Port", port), value("PROMETHEUS_PORT", port)];
}

/** Every environment variable of the Rocket.Chat container. */
export function rocketchatEnvironment<V>(args: RocketChatEnvironmentArgs<V>): EnvVar<V>[] {
    return [
        value("ROOT_URL", `https://${args.hostname}`),
        value("PORT", httpPort),
        envFromSecret("MONGO_URL", args.connectionSecretName, "mongo-url"),
        // Instances register this address so the others can reach them.
        { name: "INSTANCE_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        // Created once, when no administrator exists yet.
        envFromSecret("ADMIN_USERNAME", args.adminSecretName, "username"),
        envFromSecret("ADMIN_PASS", args.adminSecretName, "password"),
        envFromSecret("ADMIN_EMAIL", args.adminSecretName, "email"),
        value("ADMIN_NAME", "Break-glass administrator"),
        overwrite("Show_Setup_Wizard", "completed"),
        ...(args.sso ? ssoEnvironment(args.sso) : [overwrite("Accounts_ShowFormLogin", true)]),
        ...uploadsEnvironment(args.uploads),
        ...retentionEnvironment(args.retention),
        ...(args.licenseSecretName ? [envFromSecret("ROCKETCHAT_LICENSE", args.licenseSecretName, "license")] : []),
        ...(args.smtpSecretName ? smtpEnvironment(args.smtpSecretName) : []),
        ...metricsEnvironment(args.metricsPort),
    ];
}
