/**
 * A fake Rocket.Chat REST server on 127.0.0.1 for the channel reconcile
 * (components/channels/scripts/reconcile.js), answering like Rocket.Chat does:
 * auth headers required, `error-room-not-found` for unknown names, refusal of
 * a setTopic/setReadOnly that changes nothing, duplicate-name refusal, paging
 * of listings, 429s of the rate limiter; the administrator's login, sessions
 * and password change follow Rocket.Chat's rules (fakeRocketChatAccount.ts).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";
import { FakeAdminAccount } from "./fakeRocketChatAccount";

export interface Room {
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

export class FakeRocketChat {
    readonly rooms = new Map<string, Room>();
    /** Every state-changing call, as "path name". */
    readonly mutations: string[] = [];
    /** /api/info answers 503 this many times first (still starting). */
    unavailableInfos = 0;
    /** Paths that answer 429 once. */
    readonly rateLimitOnce = new Set<string>();
    /** The break-glass administrator (login, sessions, own-password change). */
    readonly admin: FakeAdminAccount;
    private server?: Server;
    private nextId = 1;

    constructor(password: string) {
        this.admin = new FakeAdminAccount("rcadmin", password);
    }

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
        const reply = (r: { status: number; body: unknown }) => send(r.status, r.body);
        if (path === "login") {
            return reply(this.admin.login(body));
        }
        const token = this.admin.authenticated(req.headers);
        if (!token) {
            return send(401, { success: false, error: "You must be logged in to do this." });
        }
        if (this.rateLimitOnce.delete(path)) {
            return send(429, { success: false, error: "Error, too many requests. Please slow down." }, { "x-ratelimit-reset": String(Date.now() + 20) });
        }
        const q = Object.fromEntries(url.searchParams);
        const typeOf = (family: string) => (family === "groups" ? "p" : "c");
        const [family, action] = path.split(".");
        const room = this.rooms.get(body.roomId ?? body.rid);
        if (path === "logout") {
            return reply(this.admin.logout(token));
        }
        if (path === "users.updateOwnBasicInfo") {
            return reply(this.admin.updateOwnBasicInfo(token, body));
        }
        if (req.method === "POST") {
            this.mutations.push(`${path} ${room?.name ?? body.name}`);
        }
        switch (action === undefined ? path : action) {
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
