/**
 * The break-glass administrator's password rotation in the channels Job:
 * components/channels/scripts/adminLogin.js (the decisions) and reconcile.js
 * (the calls), run with the real global fetch against the fake Rocket.Chat
 * whose account follows Rocket.Chat's rules (test/support/fakeRocketChatAccount.ts).
 */
import { strict as assert } from "assert";
import { defaultPasswordPolicy } from "./support/fakeRocketChatAccount";
import { FakeRocketChat } from "./support/fakeRocketChat";

/* eslint-disable @typescript-eslint/no-var-requires */
const reconcile = require("../components/channels/scripts/reconcile.js");
const adminLogin = require("../components/channels/scripts/adminLogin.js");
/* eslint-enable @typescript-eslint/no-var-requires */

const previous = "Gen0passwordOfThirtyTwoLettersAb";
const next = "Gen1passwordOfThirtyTwoLettersCd";

describe("the administrator login's decisions (adminLogin.js)", () => {
    it("sends the current password as its SHA-256 hex digest and the new one as is", () => {
        // FIPS 180-2's test vector: SHA-256("abc").
        const request = adminLogin.passwordChangeRequest("abc", next);
        assert.equal(request.path, "users.updateOwnBasicInfo");
        assert.deepEqual(request.body, { data: { currentPassword: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", newPassword: next } });
    });

    it("a login is refused only on HTTP 401; other failures are no verdict on the password", () => {
        assert.equal(adminLogin.isRefusedLogin({ status: 401 }), true);
        assert.equal(adminLogin.isRefusedLogin({ status: 500 }), false);
        assert.equal(adminLogin.isRefusedLogin({ status: 429 }), false);
        assert.equal(adminLogin.isRefusedLogin(undefined), false);
    });

    it("proceeds, tries the previous password, rotates or fails, by what was tried", () => {
        const step = (tried: object, previousGiven: boolean) => adminLogin.nextLoginStep("rcadmin", tried, previousGiven).action;
        assert.equal(step({ current: "accepted" }, false), "proceed");
        assert.equal(step({ current: "accepted" }, true), "proceed", "already rotated: the previous password is never tried");
        assert.equal(step({ current: "refused" }, false), "fail");
        assert.equal(step({ current: "refused" }, true), "tryPrevious");
        assert.equal(step({ current: "refused", previous: "accepted" }, true), "rotate");
        assert.equal(step({ current: "refused", previous: "refused" }, true), "fail");
    });
});

describe("administrator password rotation against a fake Rocket.Chat", () => {
    let fake: FakeRocketChat;
    let url: string;
    const logs: string[] = [];
    const io = { fetch: globalThis.fetch, sleep: async () => undefined, log: (text: string) => logs.push(text) };
    const settings = (overrides: Record<string, unknown> = {}) => ({
        url,
        username: "rcadmin",
        password: next,
        previousPassword: previous,
        channels: [{ name: "general", topic: "News" }],
        prune: false,
        waitAttempts: 2,
        waitIntervalMs: 1,
        ...overrides,
    });
    const login = (password: string) =>
        fetch(`${url}/api/v1/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: "rcadmin", password }) });
    /** A login of its own, as an operator would try: "accepted" or "refused". */
    const loginWith = async (password: string) => {
        const res = await login(password);
        return res.status === 200 ? "accepted" : res.status === 401 ? "refused" : `HTTP ${res.status}`;
    };
    /** A session of its own: the auth headers of a login. */
    const sessionHeaders = async (password: string): Promise<Record<string, string>> => {
        const { data } = (await (await login(password)).json()) as { data: { authToken: string; userId: string } };
        return { "X-Auth-Token": data.authToken, "X-User-Id": data.userId };
    };

    beforeEach(async () => {
        fake = new FakeRocketChat(previous);
        fake.add({ name: "general", t: "c", topic: "" });
        url = await fake.start();
        logs.length = 0;
    });

    afterEach(() => fake.stop());

    it("a rotation run moves Rocket.Chat to the new password, proves it, and then reconciles as usual", async () => {
        const summary = await reconcile.run(settings(), io);
        assert.equal(fake.admin.passwordChanges, 1);
        // new refused, previous accepted, then (after the change and a logout) new accepted.
        assert.deepEqual(fake.admin.logins, ["refused", "accepted", "accepted"]);
        assert.equal(fake.admin.sessions, 0, "every session the Job opened is logged out");
        assert.equal(await loginWith(next), "accepted");
        assert.equal(await loginWith(previous), "refused", "the previous password no longer opens the account");
        assert.deepEqual(summary.changed, ["general"], "the channels were reconciled after the rotation");
        assert.ok(logs.some((l) => /now logs in with the new password/.test(l)), logs.join("\n"));
    });

    it("logs out the administrator's other sessions, as Rocket.Chat does on a password change", async () => {
        const headers = await sessionHeaders(previous);
        assert.equal((await fetch(`${url}/api/v1/channels.info?roomName=general`, { headers })).status, 200);
        await reconcile.run(settings(), io);
        assert.equal((await fetch(`${url}/api/v1/channels.info?roomName=general`, { headers })).status, 401);
    });

    it("an already rotated account (a rerun) logs in with the new password at once and changes nothing", async () => {
        fake.admin.password = next;
        await reconcile.run(settings(), io);
        assert.equal(fake.admin.passwordChanges, 0);
        assert.deepEqual(fake.admin.logins, ["accepted"], "the previous password is not even tried");
    });

    it("both passwords refused: fails with a message naming both Secret keys, and changes nothing", async () => {
        fake.admin.password = "SomebodyChangedItByHand1";
        await assert.rejects(reconcile.run(settings(), io),
            /Rocket.Chat refused the administrator "rcadmin" with both the new password \(key password\) and the previous generation's \(key previous-password\)/);
        assert.equal(fake.admin.passwordChanges, 0);
        assert.deepEqual(fake.admin.logins, ["refused", "refused"]);
        assert.deepEqual(fake.mutations, [], "no channel was touched");
    });

    it("no rotation run (no previous password): a refused password fails as before, without a second attempt", async () => {
        await assert.rejects(reconcile.run(settings({ previousPassword: undefined }), io),
            /Rocket.Chat refused the administrator "rcadmin" with the password in the admin Secret \(key password\), and this is no rotation run/);
        assert.deepEqual(fake.admin.logins, ["refused"]);
        assert.equal(fake.admin.password, previous);
        // And with the right password nothing about rotation happens.
        fake.admin.logins.length = 0;
        await reconcile.run(settings({ password: previous, previousPassword: undefined }), io);
        assert.deepEqual([fake.admin.logins, fake.admin.passwordChanges], [["accepted"], 0]);
    });

    describe("a change Rocket.Chat refuses fails with the reason and leaves the previous password working", () => {
        const refusals: [string, (f: FakeRocketChat) => void, RegExp][] = [
            ["two-factor enrolled", (f) => (f.admin.totpEnrolled = true), /HTTP 400: TOTP Invalid \[totp-invalid\]\): the administrator has two-factor authentication .* enabled/],
            ["the password policy", (f) => (f.admin.settings.passwordPolicy = defaultPasswordPolicy),
                /does not meet the server's password policy\.; error-password-policy-not-met-oneSpecial\): the new password does not meet the server's password policy/],
            ["password changes off", (f) => (f.admin.settings.allowPasswordChange = false), /Edit user password is not allowed \[error-action-not-allowed\]\): password changes are switched off/],
            ["profile changes off", (f) => (f.admin.settings.allowProfileChange = false), /Not allowed \[error-not-allowed\]\): profile changes are switched off/],
        ];
        for (const [label, arrange, message] of refusals) {
            it(label, async () => {
                arrange(fake);
                await assert.rejects(reconcile.run(settings(), io), (error: Error) => {
                    assert.match(error.message, message);
                    assert.match(error.message, /The previous password still works; fix that, delete this failed Job \(a Job runs once\) and run pulumi up --refresh$/);
                    return true;
                });
                assert.equal(fake.admin.passwordChanges, 0);
                assert.equal(fake.admin.sessions, 0, "the session opened with the previous password was logged out");
                assert.equal(await loginWith(previous), "accepted");
            });
        }
    });

    it("the fake refuses a current password that is not the SHA-256 hex of the stored one (the rule the rotation relies on)", async () => {
        const session = await sessionHeaders(previous);
        const change = (currentPassword: string) => fetch(`${url}/api/v1/users.updateOwnBasicInfo`, {
            method: "POST",
            headers: { "Content-Type": "application/json", ...session },
            body: JSON.stringify({ data: { currentPassword, newPassword: next } }),
        });
        const plain = await change(previous);
        assert.equal(plain.status, 400);
        assert.equal(((await plain.json()) as { errorType: string }).errorType, "totp-invalid");
        const hashed = await change(adminLogin.passwordChangeRequest(previous, next).body.data.currentPassword);
        assert.equal(hashed.status, 200);
        assert.equal(fake.admin.password, next);
    });

    it("reads ADMIN_PASSWORD_PREVIOUS from the Job's environment; empty or absent means no rotation", () => {
        const base = { ROCKETCHAT_URL: "http://rocketchat:3000", ADMIN_USERNAME: "rcadmin", ADMIN_PASSWORD: next, CHANNELS_FILE: "/scripts/channels.json" };
        const read = (env: Record<string, string>) => reconcile.settingsFromEnvironment(env, () => "[]").previousPassword;
        assert.equal(read({ ...base, ADMIN_PASSWORD_PREVIOUS: previous }), previous);
        assert.equal(read({ ...base, ADMIN_PASSWORD_PREVIOUS: "" }), undefined);
        assert.equal(read(base), undefined);
    });
});
