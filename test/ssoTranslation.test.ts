/**
 * The translator npm run test:sso uses to replay our Keycloak resources on a
 * real Keycloak (test/sso/providerTranslation.ts): cheap checks that run with
 * npm test, so a new input in components/sso/keycloakClientResources.ts is
 * noticed at once. The resources come from the builder, with Keycloak's ids
 * as the placeholders test:sso's replay resolves.
 */
import { strict as assert } from "assert";
import { keycloakTypes } from "../components/sso/keycloakClientResources";
import { translate, UnknownInputError } from "./sso/providerTranslation";
import { keycloakBuild } from "./support/rocketchatBuild";

describe("Keycloak resources as the provider sends them (test:sso's translator)", () => {
    it("prod: every input of every declared Keycloak resource has a translation", () => {
        const resources = keycloakBuild("prod");
        assert.ok(resources.length >= 7);
        for (const resource of resources) {
            assert.doesNotThrow(() => translate(resource), resource.name);
        }
    });

    it("prod: the client becomes a confidential openid-connect client with exactly our redirect URI", () => {
        const [client] = keycloakBuild("prod").filter((r) => r.type === keycloakTypes.client);
        const body = translate(client).calls[0].body as any;
        assert.equal(body.protocol, "openid-connect");
        assert.equal(body.publicClient, false);
        assert.equal(body.bearerOnly, false);
        assert.equal(body.clientAuthenticatorType, "client-secret");
        assert.equal(body.fullScopeAllowed, false);
        assert.equal(body.directAccessGrantsEnabled, false);
        assert.deepEqual(body.redirectUris, ["https://chat.example.org/_oauth/keycloak"]);
        assert.equal(body.attributes["post.logout.redirect.uris"], "https://chat.example.org/*");
    });

    it("an input without a translation fails, naming it, instead of being dropped", () => {
        const resource = {
            type: "keycloak:openid/client:Client",
            name: "rocketchat-client",
            inputs: { realmId: "getRealm-staff", clientId: "rocketchat", accessType: "CONFIDENTIAL", consentScreenText: "Hello" },
        };
        assert.throws(() => translate(resource), (e: Error) => e instanceof UnknownInputError && /consentScreenText/.test(e.message));
    });

    it("a resource type without a translation fails", () => {
        assert.throws(() => translate({ type: "keycloak:openid/audienceProtocolMapper:AudienceProtocolMapper", name: "aud", inputs: {} }), UnknownInputError);
    });

    it("a group grant that would remove the group's other roles is refused", () => {
        const grant = { type: "keycloak:index/groupRoles:GroupRoles", name: "g", inputs: { realmId: "r", groupId: "g", roleIds: ["x"] } };
        assert.throws(() => translate(grant), /exhaustive/);
    });
});
