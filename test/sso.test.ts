import { strict as assert } from "assert";
import { findObject, StackRun } from "../tools/mockRuntime";
import { stackRun } from "./support/stacks";

function declared(run: StackRun, type: string) {
    return run.resources.filter((r) => r.type === type);
}

function env(run: StackRun): Record<string, any> {
    return Object.fromEntries(findObject(run, "Deployment", "rocketchat").spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
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
    it("prod: a confidential OpenID client with standard flow only and no full scope", async () => {
        const run = await stackRun("prod");
        const [client] = declared(run, "keycloak:openid/client:Client");
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

    it("prod: the client role rocketchat-users, granted to the configured groups", async () => {
        const run = await stackRun("prod");
        const [role] = declared(run, "keycloak:index/role:Role");
        assert.equal(role.inputs.name, "rocketchat-users");
        assert.equal(role.inputs.clientId, "rocketchat-client-id");
        const grants = declared(run, "keycloak:index/groupRoles:GroupRoles");
        assert.equal(grants.length, 1);
        assert.equal(grants[0].inputs.groupId, "getGroup-chat-users");
        assert.deepEqual(grants[0].inputs.roleIds, ["rocketchat-rocketchat-users-id"]);
        assert.equal(grants[0].inputs.exhaustive, false, "other grants of the group are left alone");
    });

    it("prod: tokens carry preferred_username, email, name and the client roles", async () => {
        const run = await stackRun("prod");
        const claims = [
            ...declared(run, "keycloak:openid/userPropertyProtocolMapper:UserPropertyProtocolMapper").map((m) => m.inputs.claimName),
            ...declared(run, "keycloak:openid/userClientRoleProtocolMapper:UserClientRoleProtocolMapper").map((m) => m.inputs.claimName),
        ];
        assert.deepEqual(claims.sort(), ["email", "preferred_username", "roles"]);
        assert.equal(declared(run, "keycloak:openid/fullNameProtocolMapper:FullNameProtocolMapper").length, 1);
        const [roles] = declared(run, "keycloak:openid/userClientRoleProtocolMapper:UserClientRoleProtocolMapper");
        assert.equal(roles.inputs.clientIdForRoleMappings, "rocketchat");
        assert.equal(roles.inputs.multivalued, true);
    });

    it("prod: every OAuth setting in the creation form and the OVERWRITE_SETTING_ form", async () => {
        const e = env(await stackRun("prod"));
        assert.equal(e.Accounts_OAuth_Custom_Keycloak.value, "true");
        assert.equal(e["OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak"].value, "true");
        for (const [suffix, value] of Object.entries(expectedSettings)) {
            assert.equal(e[`Accounts_OAuth_Custom_Keycloak_${suffix}`]?.value, value, `creation form ${suffix}`);
            assert.equal(e[`OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-${suffix}`]?.value, value, `overwrite form ${suffix}`);
        }
    });

    it("prod: select settings use Rocket.Chat's lowercase keys, not the runbook's labels", async () => {
        const e = env(await stackRun("prod"));
        const selects = Object.entries(e).filter(([name]) => /login_style|token_sent_via|Show_Setup_Wizard/.test(name));
        assert.ok(selects.length >= 7);
        for (const [name, entry] of selects) {
            assert.ok(["redirect", "header", "completed"].includes(entry.value), `${name} = ${entry.value}`);
        }
    });

    it("prod: the client secret reaches Rocket.Chat only through a Secret", async () => {
        const run = await stackRun("prod");
        const e = env(run);
        for (const name of ["Accounts_OAuth_Custom_Keycloak_secret", "OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-secret"]) {
            assert.deepEqual(e[name].valueFrom.secretKeyRef, { name: "rocketchat-oauth", key: "client-secret" });
            assert.equal(e[name].value, undefined);
        }
        const oauth = run.resources.find((r) => r.inputs.kind === "Secret" && r.inputs.metadata.name === "rocketchat-oauth")!;
        const clientSecret = oauth.inputs.stringData["client-secret"];
        assert.ok(run.secretValues.has(clientSecret), "it is the secret Keycloak generated for the client");
        assert.ok(oauth.secretPaths.includes("/stringData"));
        assert.ok(!JSON.stringify(findObject(run, "Deployment", "rocketchat")).includes(clientSecret));
    });

    it("prod: the password form is hidden so Keycloak is the only login", async () => {
        const e = env(await stackRun("prod"));
        assert.equal(e.OVERWRITE_SETTING_Accounts_ShowFormLogin.value, "false");
    });

    it("test: the base path prefixes the server URL for pre-17 Keycloak", async () => {
        const { runStack } = await import("../tools/mockRuntime");
        const e = env(await runStack("test", { keycloakBasePath: "/auth" }));
        assert.equal(e.Accounts_OAuth_Custom_Keycloak_url.value, "https://sso-test.example.org/auth");
        assert.equal(e.Accounts_OAuth_Custom_Keycloak_token_path.value, "/realms/chat-test/protocol/openid-connect/token");
    });

    it("dev: SSO off declares no Keycloak resource at all", async () => {
        const run = await stackRun("dev");
        assert.equal(run.resources.filter((r) => r.type.startsWith("keycloak:")).length, 0);
    });
});
