// The platform and sign-in switches a running stack refuses (components/upgrades/platformSwitches.ts).
import { strict as assert } from "assert";
import { parseSignInRecord, platformSwitchRefusals, signInRecordOf } from "../components/upgrades/platformSwitches";
import { settingsFor } from "./support/settings";

const prod = signInRecordOf(settingsFor("prod"));
const next = (overrides: Record<string, unknown>) => signInRecordOf(settingsFor("prod", overrides));

describe("platform and sign-in switches (components/upgrades/platformSwitches.ts)", () => {
    it("a platform switch is refused whatever the opt-ins, naming both platforms and the way to move", () => {
        const [refusal] = platformSwitchRefusals(prod, next({ platform: "openshift", fixedUids: false }), true);
        assert.equal(refusal.setting, "platform");
        assert.match(refusal.reason, /runs on kubernetes.*Set it back to 'kubernetes'.*new stack on the other platform and restore/);
    });

    it("a realm change and SSO turned off need ssoAllowSwitch", () => {
        assert.match(platformSwitchRefusals(prod, next({ keycloakRealm: "other" }), false)[0].reason, /realm 'staff'; in 'other' every user is a new identity.*ssoAllowSwitch/);
        assert.match(platformSwitchRefusals(prod, next({ ssoEnabled: false, keycloakGroups: [] }), false)[0].reason, /no local password.*break-glass administrator/);
        assert.deepEqual(platformSwitchRefusals(prod, next({ keycloakRealm: "other" }), true), []);
        assert.deepEqual(platformSwitchRefusals(prod, next({ ssoEnabled: false, keycloakGroups: [] }), true), []);
    });

    it("turning SSO on, and any change with no record, are allowed", () => {
        const off = next({ ssoEnabled: false, keycloakGroups: [] });
        assert.deepEqual(platformSwitchRefusals(off, prod, false), []);
        assert.deepEqual(platformSwitchRefusals(undefined, next({ platform: "openshift", fixedUids: false }), false), []);
    });

    it("reads back only a well-formed record", () => {
        assert.deepEqual(parseSignInRecord(JSON.parse(JSON.stringify(prod))), prod);
        assert.equal(parseSignInRecord({ platform: "kubernetes", ssoEnabled: "yes", keycloakRealm: "" }), undefined);
    });
});
