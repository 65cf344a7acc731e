/**
 * Single sign-on proven on a real Keycloak (npm run test:sso): the Keycloak
 * resources a stack declares (the builder's output for the stack's settings,
 * which the program registers unchanged), applied with their exact inputs to a fresh
 * realm, let a user sign in the way Rocket.Chat signs them in, using only
 * the values the program puts into Rocket.Chat's environment.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { keycloakPlan, rocketchatEnvironmentSource } from "../support/rocketchatBuild";
import { applyDeclaredResources, Applied, KeycloakPlan } from "./applyToKeycloak";
import { KeycloakAdmin } from "./keycloakAdmin";
import { RunningKeycloak, startKeycloak } from "./keycloakServer";
import { authorizeUrl, Browser, oauthServiceFromEnvironment, pageText, RocketChatOAuthService, signIn, withClientCredentials } from "./rocketchatOAuth";

interface User {
    readonly username: string;
    readonly password: string;
    readonly email: string;
    readonly firstName: string;
    readonly lastName: string;
}

function newUser(username: string, firstName: string, lastName: string): User {
    return { username, password: randomBytes(12).toString("base64url"), email: `${username}@example.org`, firstName, lastName };
}

/**
 * prod as configured (Keycloak 17+ paths, group chat-users). test with
 * keycloakBasePath /auth, the setting for a pre-17 Keycloak; Keycloak 26 serves
 * that prefix only when built with --http-relative-path=/auth, so this variant
 * runs on its own installation built that way (keycloakServer.ts). The test
 * stack configures no groups; one is added so both users' roles are compared.
 */
const variants: { stack: string; overrides: Record<string, unknown> }[] = [
    { stack: "prod", overrides: {} },
    { stack: "test", overrides: { keycloakBasePath: "/auth", keycloakGroups: ["chat-testers"] } },
];

async function createUser(admin: KeycloakAdmin, realm: string, user: User, groupId?: string): Promise<void> {
    const id = await admin.create(`/${realm}/users`, {
        username: user.username,
        email: user.email,
        emailVerified: true,
        firstName: user.firstName,
        lastName: user.lastName,
        enabled: true,
        credentials: [{ type: "password", value: user.password, temporary: false }],
    });
    if (groupId) {
        await admin.request("PUT", `/${realm}/users/${id}/groups/${groupId}`);
    }
}

for (const { stack, overrides } of variants) {
    describe(`${stack}: single sign-on on a real Keycloak`, function () {
        let plan: KeycloakPlan;
        let service: RocketChatOAuthService;
        let keycloak: RunningKeycloak | undefined;
        let admin: KeycloakAdmin;
        let applied: Applied;
        let clientSecret: string;
        const member = newUser(`member-${stack}`, "Grace", "Member");
        const outsider = newUser(`outsider-${stack}`, "Otto", "Outsider");
        const browser = () => new Browser(new URL(service.serverURL).origin, new URL(keycloak!.localUrl).origin);

        before(async function () {
            plan = keycloakPlan(stack, overrides)!;
            service = oauthServiceFromEnvironment(rocketchatEnvironmentSource(stack, overrides));
            // Keycloak's public URL is what Rocket.Chat is told: keycloakUrl + keycloakBasePath.
            keycloak = await startKeycloak(service.serverURL);
            admin = await KeycloakAdmin.login(keycloak.localUrl, keycloak.adminUser, keycloak.adminPassword);
            // What the program expects to exist already: the realm and the configured groups.
            const realm = plan.realm;
            await admin.request("POST", "", { realm, enabled: true });
            const groups = plan.groups;
            assert.ok(groups.length > 0, "the stack configures a group");
            const groupIds = [];
            for (const group of groups) {
                groupIds.push(await admin.create(`/${realm}/groups`, { name: group }));
            }
            applied = await applyDeclaredResources(plan, admin);
            const realSecret = applied.realValues.get(service.secret);
            assert.ok(realSecret, "the Secret Rocket.Chat reads holds the client's clientSecret output");
            clientSecret = realSecret;
            await createUser(admin, realm, member, groupIds[0]);
            await createUser(admin, realm, outsider);
        });

        after(async function () {
            await keycloak?.stop();
        });

        it("Keycloak's discovery document lists exactly the endpoints Rocket.Chat is given", async () => {
            const discovery = await browser().request(`${service.serverURL}/realms/${applied.realm}/.well-known/openid-configuration`);
            assert.equal(discovery.status, 200);
            const endpoints = (await discovery.json()) as any;
            assert.equal(service.authorizeUrl, endpoints.authorization_endpoint);
            assert.equal(service.tokenUrl, endpoints.token_endpoint);
            assert.equal(service.identityUrl, endpoints.userinfo_endpoint);
            if (overrides.keycloakBasePath) {
                assert.ok(service.authorizeUrl.startsWith(`${service.serverURL}/realms/`) && service.serverURL.endsWith(String(overrides.keycloakBasePath)));
            }
        });

        it("a member of the configured group signs in: username, e-mail and the rocketchat-users role reach Rocket.Chat", async () => {
            const { identity, rawIdentity } = await signIn(service, clientSecret, browser(), member);
            assert.equal(identity.username, member.username, `${service.usernameField} in ${JSON.stringify(rawIdentity)}`);
            assert.equal(identity.email, member.email, `${service.emailField} in ${JSON.stringify(rawIdentity)}`);
            assert.equal(identity.name, `${member.firstName} ${member.lastName}`);
            assert.ok(identity.id, "sub becomes Rocket.Chat's service id");
            assert.deepEqual(identity.roles, ["rocketchat-users"], `${service.rolesClaim} in ${JSON.stringify(rawIdentity)}`);
        });

        it("a user outside the configured groups signs in without the roles claim", async () => {
            const { identity, rawIdentity } = await signIn(service, clientSecret, browser(), outsider);
            assert.equal(identity.username, outsider.username);
            assert.equal(identity.email, outsider.email);
            assert.equal(identity.roles, undefined, `no ${service.rolesClaim} claim expected in ${JSON.stringify(rawIdentity)}`);
        });

        it("the identity call sends the token in a header, the only way Keycloak's userinfo accepts it", async () => {
            // Rocket.Chat's "payload" puts the token in the query (access_token_param);
            // "default" falls back to token_sent_via, so either could end up there.
            assert.equal(service.identityTokenSentVia, "header");
            await assert.rejects(
                signIn({ ...service, identityTokenSentVia: "payload" }, clientSecret, browser(), member),
                /Failed to fetch identity .* 401/,
            );
        });

        it("an authorize request with another redirect URI is refused", async () => {
            for (const wrong of [`${service.rootUrl}/_oauth/other`, `https://attacker.example.net/_oauth/${service.serviceKey}`]) {
                const answer = await browser().request(authorizeUrl(service, "state", wrong));
                const page = await answer.text();
                assert.equal(answer.status, 400, `${wrong}: ${answer.status} ${answer.headers.get("location") ?? ""}`);
                assert.equal(answer.headers.get("location"), null);
                assert.match(pageText(page), /Invalid parameter: redirect_uri/);
            }
        });

        it("the password grant is refused for Rocket.Chat's client", async () => {
            const params = new URLSearchParams({ grant_type: "password", username: member.username, password: member.password, scope: service.scope });
            const answer = await browser().request(service.tokenUrl, { method: "POST", headers: withClientCredentials(service, clientSecret, params), body: params });
            const body = (await answer.json()) as any;
            assert.ok(!answer.ok, `status ${answer.status}`);
            assert.equal(body.error, "unauthorized_client", JSON.stringify(body));
            assert.equal(body.access_token, undefined);
        });
    });
}
