/**
 * The whole channel reconcile (components/channels/scripts/reconcile.js) run
 * with the real global fetch against a fake Rocket.Chat REST server on
 * 127.0.0.1. The fake answers like Rocket.Chat does: auth headers required,
 * `error-room-not-found` for unknown names, refusal of a setTopic/setReadOnly
 * that changes nothing, duplicate-name refusal, paging of listings.
 */
import { strict as assert } from "assert";
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const reconcile = require("../components/channels/scripts/reconcile.js");

interface Room {
    _id: string;
    name: string;
    t: "c" | "p";
    topic?: string;
    ro?: boolean;
    default?: boolean;
    customFields?: Record<string, string>;
    /** A private group the admin is not a member of: groups.info does not find it. */
    hidden?: boolean;
}

class FakeRocketChat {
    readonly rooms = new Map<string, Room>();
    /** Every state-changing call, as "path name". */
    readonly mutations: string[] = [];
    /** /api/info answers 503 this many times first (still starting). */
    unavailableInfos = 0;
    /** Paths that answer 429 once. */
    readonly rateLimitOnce = new Set<string>();
    private server?: Server;
    private nextId = 1;
    private readonly token = "tok-9a8b7c";

    constructor(private readonly password: string) {}

    add(room: Omit<Room, "_id">): Room {
        const created = { _id: `R${this.nextId++}`, ...room };
        this.rooms.set(created._id, created);
        return created;
    }

    byName(name: string): Room | undefined {
        return [...this.rooms.values()].find((r) => r.name === name);
    }

    async start(): Promise<string> {
        this.server = createServer((req, res) => {
            let raw = "";
            req.on("data", (chunk) => (raw += chunk));
            req.on("end", () => this.handle(req, raw ? JSON.parse(raw) : {}, res));
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server!.close(() => resolve()));
    }

    private handle(req: IncomingMessage, body: any, res: ServerResponse): void {
        const url = new URL(req.url!, "http://fake");
        const path = url.pathname.replace(/^\/api\/(v1\/)?/, "");
        const send = (status: number, reply: unknown, headers: Record<string, string> = {}) => {
            res.writeHead(status, { "Content-Type": "application/json", ...headers });
            res.end(JSON.stringify(reply));
        };
        const fail = (error: string, errorType?: string) => send(400, { success: false, error, ...(errorType ? { errorType } : {}) });
        if (path === "info") {
            return this.unavailableInfos-- > 0 ? send(503, { error: "starting" }) : send(200, { version: "8.5.1", success: true });
        }
        if (path === "login") {
            return body.user === "rcadmin" && body.password === this.password
                ? send(200, { status: "success", data: { authToken: this.token, userId: "aiPqNoGkjpNDiRx6d" } })
                : send(401, { status: "error", error: "Unauthorized", message: "Unauthorized" });
        }
        if (req.headers["x-auth-token"] !== this.token || req.headers["x-user-id"] !== "aiPqNoGkjpNDiRx6d") {
            return send(401, { success: false, error: "You must be logged in to do this." });
        }
        if (this.rateLimitOnce.delete(path)) {
            return send(429, { success: false, error: "Error, too many requests. Please slow down." }, { "x-ratelimit-reset": String(Date.now() + 20) });
        }
        const q = Object.fromEntries(url.searchParams);
        const typeOf = (family: string) => (family === "groups" ? "p" : "c");
        const [family, action] = path.split(".");
        const room = this.rooms.get(body.roomId ?? body.rid);
        if (req.method === "POST" && !["logout"].includes(path)) {
            this.mutations.push(`${path} ${room?.name ?? body.name}`);
        }
        switch (action === undefined ? path : action) {
            case "logout":
                return send(200, { status: "success", data: { message: "You've been logged out!" } });
            case "info": {
                const found = [...this.rooms.values()].find((r) => r.name === q.roomName && r.t === typeOf(family) && !r.hidden);
                return found
                    ? send(200, { [family === "groups" ? "group" : "channel"]: found, success: true })
                    : fail('The required "roomId" or "roomName" param provided does not match any channel [error-room-not-found]', "error-room-not-found");
            }
            case "create": {
                if (this.byName(body.name)) {
                    return fail(`A channel with name '${body.name}' exists [error-duplicate-channel-name]`, "error-duplicate-channel-name");
                }
                const created = this.add({ name: body.name, t: typeOf(family), ro: Boolean(body.readOnly), customFields: body.customFields });
                return send(200, { [family === "groups" ? "group" : "channel"]: created, success: true });
            }
            case "setTopic":
                if (!room || room.t !== typeOf(family)) {
                    return fail("room not found", "error-room-not-found");
                }
                if ((room.topic ?? "") === body.topic) {
                    return fail("The channel topic is the same as what it would be changed to.");
                }
                room.topic = body.topic;
                return send(200, { topic: body.topic, success: true });
            case "setReadOnly":
                if (!room || room.t !== typeOf(family)) {
                    return fail("room not found", "error-room-not-found");
                }
                if (Boolean(room.ro) === body.readOnly) {
                    return fail("The channel read only setting is the same as what it would be changed to.");
                }
                room.ro = body.readOnly;
                return send(200, { [family === "groups" ? "group" : "channel"]: room, success: true });
            case "saveRoomSettings":
                if (!room) {
                    return fail("Invalid room", "error-invalid-room");
                }
                if ("default" in body) {
                    room.default = body.default;
                }
                if ("roomType" in body) {
                    room.t = body.roomType;
                }
                return send(200, { rid: room._id, success: true });
            case "delete":
                this.rooms.delete(room!._id);
                return send(200, { success: true });
            case "list":
            case "listAll": {
                const all = [...this.rooms.values()].filter((r) => r.t === typeOf(family)).sort((a, b) => a.name.localeCompare(b.name));
                const offset = Number(q.offset ?? 0);
                // A small page size exercises paging.
                const page = all.slice(offset, offset + Math.min(2, Number(q.count ?? 2)));
                return send(200, { [family]: page, offset, count: page.length, total: all.length, success: true });
            }
            default:
                return send(404, { success: false, error: `no route ${path}` });
        }
    }
}

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
        await assert.rejects(reconcile.run(settings({ password: "wrong" }), io), /POST \/api\/v1\/login answered HTTP 401: Unauthorized/);
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
