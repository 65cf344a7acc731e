import { strict as assert } from "assert";
import { keycloakClientDefaults, keycloakTypes } from "../components/sso/keycloakClientResources";
import { oauthSecretKey, oauthSecretObject } from "../components/sso/oauthSecret";
import { keycloakClientArgsFromSettings } from "../components/sso/ssoSettings";
import { projectDefaults, projectName } from "../tools/stackConfig";
import { keycloakBuild, rocketchatBuild } from "./support/rocketchatBuild";
import { settingsFor } from "./support/settings";

function declared(stack: string, type: string, overrides: Record<string, unknown> = {}) {
    return keycloakBuild(stack, overrides).filter((r) => r.type === type);
}

/**
 * Names and values as Rocket.Chat spells them: creation form in
 * apps/meteor/server/lib/oauth/initCustomOAuthServices.ts, setting ids and
 * select keys in apps/meteor/server/lib/oauth/addOAuthService.ts.
 */
const expectedSettings: Record<string, string> = {
    url: "https://sso.example.org",
    token_path: "/realms/staff/protocol/openid-connect/token",
    identity_path: "/realms/staff/protocol/openid-connect/userinfo",
    authorize_path: "/realms/staff/protocol/openid-connect/auth",
    scope: "openid profile email",
    login_style: "redirect",
    token_sent_via: "header",
    identity_token_sent_via: "header",
    username_field: "preferred_username",
    merge_users: "true",
    button_label_text: "Sign in with Keycloak",
    id: "rocketchat",
};

describe("Keycloak single sign-on", () => {
    it("prod: a confidential OpenID client with standard flow only and no full scope", () => {
        // The component looks the realm up by this name; its id enters the client.
        assert.equal(keycloakClientArgsFromSettings(settingsFor("prod"))!.realm, "staff");
        const [client] = declared("prod", keycloakTypes.client);
        const c = client.inputs;
        assert.equal(c.realmId, "getRealm-staff");
        assert.equal(c.clientId, "rocketchat");
        assert.equal(c.accessType, "CONFIDENTIAL");
        assert.equal(c.standardFlowEnabled, true);
        assert.equal(c.directAccessGrantsEnabled, false);
        assert.equal(c.implicitFlowEnabled, false);
        assert.equal(c.fullScopeAllowed, false);
        assert.deepEqual(c.validRedirectUris, ["https://chat.example.org/_oauth/keycloak"]);
        assert.deepEqual(c.webOrigins, ["https://chat.example.org"]);
    });

    it("prod: the client role rocketchat-users, granted to the configured groups", () => {
        const [role] = declared("prod", keycloakTypes.role);
        assert.equal(role.inputs.name, "rocketchat-users");
        assert.equal(role.inputs.clientId, "rocketchat-client-id");
        const grants = declared("prod", keycloakTypes.groupRoles);
        assert.equal(grants.length, 1);
        assert.equal(grants[0].inputs.groupId, "getGroup-chat-users");
        assert.deepEqual(grants[0].inputs.roleIds, ["rocketchat-rocketchat-users-id"]);
        assert.equal(grants[0].inputs.exhaustive, false, "other grants of the group are left alone");
    });

    it("prod: tokens carry preferred_username, email, name and the client roles", () => {
        const claims = [
            ...declared("prod", keycloakTypes.userPropertyMapper).map((m) => m.inputs.claimName),
            ...declared("prod", keycloakTypes.clientRoleMapper).map((m) => m.inputs.claimName),
        ];
        assert.deepEqual(claims.sort(), ["email", "preferred_username", "roles"]);
        assert.equal(declared("prod", keycloakTypes.fullNameMapper).length, 1);
        const [roles] = declared("prod", keycloakTypes.clientRoleMapper);
        assert.equal(roles.inputs.clientIdForRoleMappings, "rocketchat");
        assert.equal(roles.inputs.multivalued, true);
    });

    it("prod: every OAuth setting in the creation form and the OVERWRITE_SETTING_ form", () => {
        const e = rocketchatBuild("prod").env;
        assert.equal(e.Accounts_OAuth_Custom_Keycloak.value, "true");
        assert.equal(e["OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak"].value, "true");
        for (const [suffix, value] of Object.entries(expectedSettings)) {
            assert.equal(e[`Accounts_OAuth_Custom_Keycloak_${suffix}`]?.value, value, `creation form ${suffix}`);
            assert.equal(e[`OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-${suffix}`]?.value, value, `overwrite form ${suffix}`);
        }
    });

    it("prod: select settings use Rocket.Chat's lowercase keys, not the runbook's labels", () => {
        const e = rocketchatBuild("prod").env;
        const selects = Object.entries(e).filter(([name]) => /login_style|token_sent_via|Show_Setup_Wizard/.test(name));
        assert.ok(selects.length >= 7);
        for (const [name, entry] of selects) {
            assert.ok(["redirect", "header", "completed"].includes(entry.value), `${name} = ${entry.value}`);
        }
    });

    it("prod: the client secret reaches Rocket.Chat only through a Secret", () => {
        const b = rocketchatBuild("prod");
        const e = b.env;
        for (const name of ["Accounts_OAuth_Custom_Keycloak_secret", "OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-secret"]) {
            assert.deepEqual(e[name].valueFrom.secretKeyRef, { name: "rocketchat-oauth", key: "client-secret" });
            assert.equal(e[name].value, undefined);
        }
        const clientSecret = "<keycloak client secret>";
        const oauth = oauthSecretObject("rocketchat", b.settings.namespace, clientSecret);
        // The Secret the variables name holds the client's secret under the key they name.
        assert.equal(oauth.metadata!.name, "rocketchat-oauth");
        assert.equal(oauth.stringData![oauthSecretKey], clientSecret);
        // The Deployment carries only the hash of the secret (rolloutSecretPlaceholders), never the value.
        assert.ok(!JSON.stringify(b.objects.deployment).includes("<client secret>"));
    });

    it("prod: the password form is hidden so Keycloak is the only login", () => {
        const e = rocketchatBuild("prod").env;
        assert.equal(e.OVERWRITE_SETTING_Accounts_ShowFormLogin.value, "false");
        // Issue 26: with SSO on nobody registers a password account (Rocket.Chat's default is Public).
        assert.equal(e.OVERWRITE_SETTING_Accounts_RegistrationForm.value, "Disabled");
    });

    it("test: the base path prefixes the server URL for pre-17 Keycloak", () => {
        const e = rocketchatBuild("test", { keycloakBasePath: "/auth" }).env;
        assert.equal(e.Accounts_OAuth_Custom_Keycloak_url.value, "https://sso-test.example.org/auth");
        assert.equal(e.Accounts_OAuth_Custom_Keycloak_token_path.value, "/realms/chat-test/protocol/openid-connect/token");
    });

    it("dev: SSO off declares no Keycloak resource at all, and leaves registration at Rocket.Chat's own setting", () => {
        assert.equal(rocketchatBuild("dev").env.OVERWRITE_SETTING_Accounts_RegistrationForm, undefined);
        assert.equal(keycloakClientArgsFromSettings(settingsFor("dev")), undefined);
        assert.equal(keycloakBuild("dev").length, 0);
    });

    it("the Keycloak builder's defaults are Pulumi.yaml's", () => {
        const defaults = projectDefaults();
        assert.equal(keycloakClientDefaults.clientId, defaults[`${projectName}:keycloakClientId`]);
        assert.equal(JSON.stringify(keycloakClientDefaults.groups), defaults[`${projectName}:keycloakGroups`]);
    });
});
