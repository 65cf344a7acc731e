/**
 * The whole channel reconcile (components/channels/scripts/reconcile.js) run
 * with the real global fetch against a fake Rocket.Chat REST server on
 * 127.0.0.1 (test/support/fakeRocketChat.ts).
 */
import { strict as assert } from "assert";
import { FakeRocketChat } from "./support/fakeRocketChat";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const reconcile = require("../components/channels/scripts/reconcile.js");

const declared = [
    { name: "general", topic: "Company-wide news and questions", default: true },
    { name: "announcements", topic: "Official announcements", default: true, readOnly: true },
    { name: "it-help" },
    { name: "platform-oncall", topic: "Incident coordination", private: true },
];

describe("channel reconcile against a fake Rocket.Chat", () => {
    let fake: FakeRocketChat;
    let url: string;
    const logs: string[] = [];
    let sleeps = 0;
    const io = {
        fetch: globalThis.fetch,
        sleep: async () => {
            sleeps++;
        },
        log: (text: string) => logs.push(text),
    };
    const settings = (overrides: Record<string, unknown> = {}) => ({
        url,
        username: "rcadmin",
        password: "s3cret-Pa55",
        channels: declared,
        prune: false,
        waitAttempts: 5,
        waitIntervalMs: 1,
        ...overrides,
    });

    beforeEach(async () => {
        fake = new FakeRocketChat("s3cret-Pa55");
        // The default #general exists on every new server, with no topic, not default.
        fake.add({ name: "general", t: "c", topic: "", ro: false, default: false });
        fake.add({ name: "it-help", t: "c", topic: "Set by the service desk" });
        fake.add({ name: "hand-made", t: "c" });
        fake.add({ name: "retired-project", t: "c", customFields: { managedBy: "rocketchat-ha" } });
        url = await fake.start();
        logs.length = 0;
        sleeps = 0;
    });

    afterEach(() => fake.stop());

    it("waits for Rocket.Chat, creates what is missing, fixes what differs, and a second run changes nothing", async () => {
        fake.unavailableInfos = 2;
        const first = await reconcile.run(settings(), io);
        assert.equal(sleeps, 2, "retried /api/info until it answered");
        assert.deepEqual(first.created, ["announcements", "platform-oncall"]);
        assert.deepEqual(first.changed, ["general"]);
        assert.deepEqual(first.unchanged, ["it-help"]);
        assert.deepEqual(first.kept, ["retired-project"]);
        assert.deepEqual(fake.mutations, [
            "channels.setTopic general",
            "rooms.saveRoomSettings general",
            "channels.create announcements",
            "channels.setTopic announcements",
            "rooms.saveRoomSettings announcements",
            "groups.create platform-oncall",
            "groups.setTopic platform-oncall",
        ]);
        const announcements = fake.byName("announcements")!;
        assert.deepEqual({ t: announcements.t, ro: announcements.ro, default: announcements.default, owner: announcements.customFields?.managedBy }, { t: "c", ro: true, default: true, owner: "rocketchat-ha" });
        assert.equal(fake.byName("platform-oncall")!.t, "p");
        assert.equal(fake.byName("it-help")!.topic, "Set by the service desk", "an undeclared topic is left alone");

        fake.mutations.length = 0;
        const second = await reconcile.run(settings(), io);
        assert.deepEqual(fake.mutations, [], "the second run changes nothing");
        assert.deepEqual([second.created, second.changed, second.deleted], [[], [], []]);
        assert.deepEqual(second.unchanged, declared.map((c) => c.name));
    });

    it("without channelsPrune deletes nothing; with it deletes only the undeclared rooms it created", async () => {
        await reconcile.run(settings(), io);
        assert.ok(fake.byName("retired-project") && fake.byName("hand-made"));
        fake.mutations.length = 0;

        const pruned = await reconcile.run(settings({ prune: true }), io);
        assert.deepEqual(pruned.deleted, ["retired-project"]);
        assert.deepEqual(fake.mutations, ["channels.delete retired-project"]);
        assert.ok(fake.byName("hand-made"), "a room it did not create stays");

        // Dropping a declared room it created, with pruning on, deletes it (private: groups.delete).
        fake.mutations.length = 0;
        const shorter = await reconcile.run(settings({ prune: true, channels: declared.filter((c) => c.name !== "platform-oncall") }), io);
        assert.deepEqual(shorter.deleted, ["platform-oncall"]);
        assert.deepEqual(fake.mutations, ["groups.delete platform-oncall"]);
        fake.mutations.length = 0;
        await reconcile.run(settings({ prune: true, channels: declared.filter((c) => c.name !== "platform-oncall") }), io);
        assert.deepEqual(fake.mutations, [], "pruning is idempotent too");
    });

    it("converts a room whose declared type changed, then converges", async () => {
        await reconcile.run(settings(), io);
        fake.mutations.length = 0;
        const now = declared.map((c) => (c.name === "it-help" ? { ...c, private: true, readOnly: true } : c));
        await reconcile.run(settings({ channels: now }), io);
        assert.deepEqual(fake.mutations, ["rooms.saveRoomSettings it-help", "groups.setReadOnly it-help"]);
        fake.mutations.length = 0;
        await reconcile.run(settings({ channels: now }), io);
        assert.deepEqual(fake.mutations, []);
    });

    it("waits out the rate limiter", async () => {
        fake.rateLimitOnce.add("channels.info");
        const summary = await reconcile.run(settings(), io);
        assert.deepEqual(summary.created, ["announcements", "platform-oncall"]);
        assert.ok(sleeps >= 1);
    });

    it("fails clearly on a wrong password, on a server that never answers, and on a name taken by a room it cannot see", async () => {
        await assert.rejects(reconcile.run(settings({ password: "wrong" }), io), /Rocket.Chat refused the administrator "rcadmin" with the password in the admin Secret/);
        fake.unavailableInfos = 100;
        await assert.rejects(reconcile.run(settings(), io), /Rocket.Chat at http:\/\/127.0.0.1:\d+ did not succeed after 5 attempts/);
        fake.unavailableInfos = 0;
        // groups.info only finds groups the caller belongs to; creating the name then fails.
        fake.add({ name: "board", t: "p", hidden: true });
        await assert.rejects(reconcile.run(settings({ channels: [{ name: "board" }] }), io), /POST \/api\/v1\/channels.create answered HTTP 400: A channel with name 'board' exists/);
    });

    it("reads its settings from the Job's environment and the list file", () => {
        const s = reconcile.settingsFromEnvironment(
            { ROCKETCHAT_URL: "http://rocketchat.ns.svc.cluster.local:3000", ADMIN_USERNAME: "rcadmin", ADMIN_PASSWORD: "p", CHANNELS_FILE: "/scripts/channels.json", CHANNELS_PRUNE: "true" },
            () => JSON.stringify(declared),
        );
        assert.deepEqual([s.url, s.prune, s.channels.length, s.waitAttempts], ["http://rocketchat.ns.svc.cluster.local:3000", true, 4, 90]);
        assert.throws(() => reconcile.settingsFromEnvironment({ ROCKETCHAT_URL: "x" }, () => "[]"), /missing environment variables: ADMIN_USERNAME, ADMIN_PASSWORD, CHANNELS_FILE/);
    });
});
