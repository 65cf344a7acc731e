/**
 * `ops status`: verdicts and lag arithmetic on replSetGetStatus replies shaped
 * like MongoDB 8.0's, then the real command (`ops status --uri`, in process;
 * once as `npm run ops` in a child process) through the real driver against a
 * fake mongod that speaks the wire protocol (OP_QUERY handshake, OP_MSG
 * commands) and replays those replies.
 */
import { strict as assert } from "assert";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { createServer, Server, Socket } from "net";
import { tmpdir } from "os";
import * as path from "path";
import { BSON, Long, Timestamp } from "mongodb";
import { assessReplicaSet, formatReport, sharedNodes, StatusReply } from "../tools/ops/replicaHealth";
import { opsOutputsFixture, opsOutputsFixturePath } from "./support/opsOutputs";
import { OpsResult, runOps, runOpsInProcess, startOps } from "./support/runOps";

const host = (i: number) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.rocketchat-prod.svc.cluster.local:27017`;
const now = new Date("2026-11-28T10:00:00.000Z");
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000);

type Shape = { stateStr: string; health: number; behind?: number };

/** A replSetGetStatus reply as mongod 8.0 sends it, for members of the given shapes. */
function statusReply(shapes: Shape[]): Record<string, any> {
    const states: Record<string, number> = { PRIMARY: 1, SECONDARY: 2, RECOVERING: 3, STARTUP2: 5, "(not reachable/healthy)": 8 };
    return {
        set: "rs0",
        date: now,
        myState: 2,
        term: 7,
        heartbeatIntervalMillis: 2000,
        majorityVoteCount: Math.floor(shapes.length / 2) + 1,
        writeMajorityCount: Math.floor(shapes.length / 2) + 1,
        votingMembersCount: shapes.length,
        writableVotingMembersCount: shapes.length,
        members: shapes.map((shape, i) => {
            const applied = shape.health === 1 ? secondsAgo(shape.behind ?? 0) : secondsAgo(3600);
            return {
                _id: i,
                name: host(i),
                health: shape.health,
                state: states[shape.stateStr],
                stateStr: shape.stateStr,
                uptime: shape.health === 1 ? 86400 : 0,
                optime: { ts: new Timestamp({ t: Math.floor(applied.getTime() / 1000), i: 1 }), t: 7 },
                optimeDate: applied,
                lastAppliedWallTime: applied,
                syncSourceHost: shape.stateStr === "SECONDARY" ? host(0) : "",
                configVersion: 3,
                configTerm: 7,
                ...(i === 1 ? { self: true } : { lastHeartbeat: now, pingMs: 1 }),
                ...(shape.health === 1 ? {} : { lastHeartbeatMessage: "Error connecting to rocketchat-mongodb-2 :: caused by :: Connection refused" }),
            };
        }),
        ok: 1,
    };
}

const up = (stateStr: string, behind = 0): Shape => ({ stateStr, health: 1, behind });
const down: Shape = { stateStr: "(not reachable/healthy)", health: 0 };

/** Every replica-set shape the status command is checked on, with its verdict and exit code. */
const shapes: { title: string; members: Shape[]; verdict: string; exit: number; tolerated: number; finding: RegExp }[] = [
    { title: "healthy", members: [up("PRIMARY"), up("SECONDARY", 0.4), up("SECONDARY", 1)], verdict: "healthy", exit: 0, tolerated: 1, finding: /1 more member failure tolerated/ },
    { title: "degraded: one member down", members: [up("PRIMARY"), up("SECONDARY", 1), down], verdict: "degraded", exit: 0, tolerated: 0, finding: /not serving: rocketchat-mongodb-2 \(not reachable\/healthy\)/ },
    { title: "no primary: majority lost", members: [down, up("SECONDARY", 2), down], verdict: "writes-stopped", exit: 1, tolerated: -1, finding: /majority lost: 1 of 3 voting members are up, 2 are needed/ },
    { title: "no primary: election pending", members: [down, up("SECONDARY"), up("SECONDARY", 3)], verdict: "writes-stopped", exit: 1, tolerated: 0, finding: /no primary: writes stop until an election completes/ },
    { title: "lagging secondary", members: [up("PRIMARY"), up("SECONDARY", 95.25), up("SECONDARY", 2)], verdict: "lagging", exit: 0, tolerated: 1, finding: /rocketchat-mongodb-1 lags 95.3 s behind the primary \(threshold 10 s\)/ },
];

describe("ops status: replica-set verdicts", () => {
    for (const shape of shapes) {
        it(`${shape.title}: ${shape.verdict}, ${shape.tolerated} more failures tolerated`, () => {
            const report = assessReplicaSet(statusReply(shape.members) as unknown as StatusReply);
            assert.equal(report.verdict, shape.verdict);
            assert.equal(report.failuresTolerated, shape.tolerated);
            assert.match(report.findings.join("\n"), shape.finding);
        });
    }

    it("measures lag against the primary's optime, to a tenth of a second, and not for members that are down", () => {
        const report = assessReplicaSet(statusReply([up("PRIMARY"), up("SECONDARY", 12.34), down]) as unknown as StatusReply);
        assert.deepEqual(report.members.map((m) => m.lagSeconds), [0, 12.3, undefined]);
    });

    it("without a primary measures lag against the freshest healthy member", () => {
        const report = assessReplicaSet(statusReply([down, up("SECONDARY", 5), up("SECONDARY", 20)]) as unknown as StatusReply);
        assert.deepEqual(report.members.map((m) => m.lagSeconds), [undefined, 0, 15]);
    });

    it("five members survive two failures, not three (the seed's claim for three members was wrong)", () => {
        const five = (downCount: number) => assessReplicaSet(statusReply([up("PRIMARY"), ...Array.from({ length: 4 }, (_, i) => (i < downCount ? down : up("SECONDARY")))]) as unknown as StatusReply);
        assert.equal(five(0).failuresTolerated, 2);
        assert.equal(five(2).failuresTolerated, 0);
        assert.equal(five(2).verdict, "degraded");
        assert.equal(assessReplicaSet(statusReply([up("PRIMARY"), up("SECONDARY"), up("SECONDARY")]) as unknown as StatusReply).failuresTolerated, 1);
    });

    it("counts votes from the config when given: a non-voting member does not count towards the majority", () => {
        const reply = statusReply([up("PRIMARY"), up("SECONDARY"), up("SECONDARY")]) as unknown as StatusReply;
        const config = { members: [{ host: host(0) }, { host: host(1) }, { host: host(2), votes: 0 }] };
        const report = assessReplicaSet(reply, config);
        assert.deepEqual([report.votingMembers, report.majority, report.failuresTolerated], [2, 2, 0]);
    });

    it("finds members that share a node from pod placement", () => {
        const nodes = new Map([["rocketchat-mongodb-0", "node-a"], ["rocketchat-mongodb-1", "node-b"], ["rocketchat-mongodb-2", "node-a"]]);
        const report = assessReplicaSet(statusReply([up("PRIMARY"), up("SECONDARY"), up("SECONDARY")]) as unknown as StatusReply, undefined, { nodeOfPod: nodes });
        assert.deepEqual([...sharedNodes(report.members)], [["node-a", [host(0), host(2)]]]);
        assert.match(report.findings.join("\n"), /rocketchat-mongodb-0 and rocketchat-mongodb-2 share node node-a/);
        assert.deepEqual(report.members.map((m) => m.node), ["node-a", "node-b", "node-a"]);
    });

    it("prints a table with state, votes, lag and node per member", () => {
        const lines = formatReport(assessReplicaSet(statusReply([up("PRIMARY"), up("SECONDARY", 1), down]) as unknown as StatusReply));
        assert.equal(lines[0], "replica set rs0: DEGRADED");
        assert.match(lines[1], /^primary: rocketchat-mongodb-0; voting members 3, majority 2, healthy voting 2$/);
        assert.match(lines.join("\n"), /MEMBER +STATE +VOTES +LAG +NODE/);
        assert.match(lines.join("\n"), /rocketchat-mongodb-1 +SECONDARY +yes +1 s +\?/);
    });
});

/**
 * Enough of mongod's wire protocol for the Node driver: the OP_QUERY hello
 * handshake answered with OP_REPLY, then OP_MSG commands. Commands it knows
 * answer from `replies`; the rest answer { ok: 1 }.
 */
class FakeMongod {
    private server?: Server;
    private readonly sockets = new Set<Socket>();
    readonly commands: string[] = [];

    /** `stalls`: commands received and never answered, like a server that hangs after the handshake. */
    constructor(private readonly replies: Record<string, () => Record<string, unknown>>, private readonly stalls: string[] = []) {}

    async start(): Promise<number> {
        this.server = createServer((socket) => this.serve(socket));
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return (this.server!.address() as { port: number }).port;
    }

    stop(): Promise<void> {
        this.sockets.forEach((socket) => socket.destroy());
        return new Promise((resolve) => this.server!.close(() => resolve()));
    }

    /** Resolves once `command` has arrived. */
    async received(command: string): Promise<void> {
        while (!this.commands.includes(command)) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
    }

    private hello(): Record<string, unknown> {
        return {
            helloOk: true, ismaster: true, isWritablePrimary: true, maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000,
            maxWriteBatchSize: 100000, localTime: new Date(), logicalSessionTimeoutMinutes: 30, connectionId: 1,
            minWireVersion: 0, maxWireVersion: 25, readOnly: false, ok: 1,
        };
    }

    private answer(command: Record<string, unknown>): Record<string, unknown> {
        const name = Object.keys(command)[0];
        this.commands.push(name);
        if (["hello", "isMaster", "ismaster"].includes(name)) {
            return this.hello();
        }
        return this.replies[name]?.() ?? { ok: 1 };
    }

    private serve(socket: Socket): void {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        let buffer = Buffer.alloc(0);
        socket.on("error", () => undefined);
        socket.on("data", (chunk) => {
            buffer = Buffer.concat([buffer, chunk]);
            while (buffer.length >= 4 && buffer.length >= buffer.readInt32LE(0)) {
                const length = buffer.readInt32LE(0);
                const message = buffer.subarray(0, length);
                buffer = buffer.subarray(length);
                const reply = this.reply(message);
                if (reply) {
                    socket.write(reply);
                }
            }
        });
    }

    private reply(message: Buffer): Buffer | undefined {
        const requestId = message.readInt32LE(4);
        const opCode = message.readInt32LE(12);
        const header = (length: number, responseOp: number) => {
            const h = Buffer.alloc(16);
            h.writeInt32LE(length, 0);
            h.writeInt32LE(requestId + 1000, 4);
            h.writeInt32LE(requestId, 8);
            h.writeInt32LE(responseOp, 12);
            return h;
        };
        if (opCode === 2004) {
            // OP_QUERY: flags, cstring collection, skip, return, query document.
            const nameEnd = message.indexOf(0, 20);
            const query = BSON.deserialize(message.subarray(nameEnd + 9));
            const doc = BSON.serialize(this.answer(query));
            const body = Buffer.alloc(20);
            body.writeInt32LE(1, 16); // numberReturned
            return Buffer.concat([header(16 + 20 + doc.length, 1), body, doc]);
        }
        // OP_MSG: flag bits, then a kind-0 section holding the command.
        const command = BSON.deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
        if (this.stalls.includes(Object.keys(command)[0])) {
            this.commands.push(Object.keys(command)[0]);
            return undefined;
        }
        const doc = BSON.serialize(this.answer(command));
        return Buffer.concat([header(16 + 5 + doc.length, 2013), Buffer.from([0, 0, 0, 0, 0]), doc]);
    }
}


describe("ops status --uri (real driver, fake mongod)", () => {
    const replicaSet = (members: Shape[]) => new FakeMongod({
        replSetGetStatus: () => statusReply(members),
        replSetGetConfig: () => ({ config: { _id: "rs0", version: 3, members: [0, 1, 2].map((i) => ({ _id: i, host: host(i), votes: 1 })) }, ok: 1 }),
    });

    // The stalled command waits 3 s (1 s of --timeout, 2 s of socket grace): it starts before this
    // suite's tests and its own test awaits it, so the tests in between run while it waits.
    let stalledCommand: { fake: FakeMongod; result: Promise<OpsResult> };
    before(async () => {
        const fake = new FakeMongod({}, ["replSetGetStatus"]);
        const port = await fake.start();
        stalledCommand = { fake, result: runOpsInProcess(["status", "--uri", `mongodb://127.0.0.1:${port}/?directConnection=true`, "--timeout", "1"]) };
        // Past its start (arguments, environment) before a later test sets the environment for its own run.
        await fake.received("replSetGetStatus");
    });
    after(async () => {
        await stalledCommand?.result;
        await stalledCommand?.fake.stop();
    });

    it("as `npm run ops` in its own process: the verdict on stdout, exit status 1 when writes stopped", async () => {
        const shape = shapes.find((s) => s.exit === 1)!;
        const fake = replicaSet(shape.members);
        const port = await fake.start();
        try {
            const result = await runOps(["status", "--uri", `mongodb://127.0.0.1:${port}/?directConnection=true`]);
            assert.equal(result.code, 1, result.stdout + result.stderr);
            assert.match(result.stdout, /^replica set rs0: WRITES-STOPPED$/m);
            assert.match(result.stdout, shape.finding);
        } finally {
            await fake.stop();
        }
    });

    for (const shape of shapes) {
        it(`${shape.title}: prints ${shape.verdict.toUpperCase()} and exits ${shape.exit}`, async () => {
            const fake = replicaSet(shape.members);
            const port = await fake.start();
            try {
                const result = await runOpsInProcess(["status", "--uri", `mongodb://127.0.0.1:${port}/?directConnection=true`]);
                assert.equal(result.code, shape.exit, result.stdout + result.stderr);
                assert.match(result.stdout, new RegExp(`^replica set rs0: ${shape.verdict.toUpperCase()}$`, "m"));
                assert.match(result.stdout, shape.finding);
                assert.ok(fake.commands.includes("replSetGetStatus"));
            } finally {
                await fake.stop();
            }
        });
    }

    it("a server that is not a replica-set member is a clear error (exit 2)", async () => {
        const fake = new FakeMongod({ replSetGetStatus: () => ({ ok: 0, code: 76, codeName: "NoReplicationEnabled", errmsg: "not running with --replSet" }) });
        const port = await fake.start();
        try {
            const result = await runOpsInProcess(["status", "--uri", `mongodb://127.0.0.1:${port}/?directConnection=true`]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /ops: the --uri server: mongod runs without --replSet \(not running with --replSet\)/);
        } finally {
            await fake.stop();
        }
    });

    it("wrong credentials name the user and exit 2", async () => {
        const fake = new FakeMongod({ saslStart: () => ({ ok: 0, code: 18, codeName: "AuthenticationFailed", errmsg: "Authentication failed." }) });
        const port = await fake.start();
        try {
            // The password comes from the environment, not the command line.
            const result = await runOpsInProcess(["status", "--uri", `mongodb://root@127.0.0.1:${port}/?directConnection=true&authMechanism=SCRAM-SHA-256`], { OPS_MONGODB_PASSWORD: "wrong" });
            assert.equal(result.code, 2);
            assert.match(result.stderr, /refused the credentials of user 'root' .*AuthenticationFailed/);
            assert.ok(fake.commands.includes("saslStart"), "the driver authenticated with the password from OPS_MONGODB_PASSWORD");
            assert.ok(!result.stderr.includes("wrong"), "the password is never printed");
        } finally {
            await fake.stop();
        }
    });

    it("a user in the URI without a password source is a clear error, before connecting", async () => {
        const unset = await runOpsInProcess(["status", "--uri", "mongodb://root@127.0.0.1:1/?directConnection=true"], { OPS_MONGODB_PASSWORD: undefined });
        assert.equal(unset.code, 2);
        assert.match(unset.stderr, /the --uri names user 'root': give its password in OPS_MONGODB_PASSWORD or a file named by --password-file/);
    });

    it("sends maxTimeMS with every command, so mongod itself stops a slow one", async () => {
        const seen: Record<string, unknown>[] = [];
        const fake = new FakeMongod({
            replSetGetStatus: () => ({ ok: 0, code: 50, codeName: "MaxTimeMSExpired", errmsg: "operation exceeded time limit" }),
        });
        const port = await fake.start();
        (fake as any).answer = new Proxy((fake as any).answer, { apply: (target, self, args) => (seen.push(args[0]), Reflect.apply(target, self, args)) });
        try {
            const result = await runOpsInProcess(["status", "--uri", `mongodb://127.0.0.1:${port}/?directConnection=true`, "--timeout", "7"]);
            assert.equal(result.code, 2);
            assert.equal(seen.find((c) => "replSetGetStatus" in c)?.maxTimeMS, 7000);
            assert.match(result.stderr, /did not answer within 7 s while running replSetGetStatus .*operation exceeded time limit/);
        } finally {
            await fake.stop();
        }
    });

    it("Ctrl-C says what it interrupted and exits 130", async () => {
        const fake = new FakeMongod({}, ["replSetGetStatus"]);
        const port = await fake.start();
        try {
            const { child, result } = startOps(["status", "--uri", `mongodb://127.0.0.1:${port}/?directConnection=true`]);
            await fake.received("replSetGetStatus");
            child.kill("SIGINT");
            const done = await result;
            assert.equal(done.code, 130, done.stderr);
            assert.match(done.stderr, /^ops: interrupted \(Ctrl-C\) while running replSetGetStatus on the --uri server; nothing was changed$/m);
        } finally {
            await fake.stop();
        }
    });

    it("an unreachable server is a clear error (exit 2)", async () => {
        const fake = new FakeMongod({});
        const port = await fake.start();
        await fake.stop();
        const result = await runOpsInProcess(["status", "--uri", `mongodb://127.0.0.1:${port}/?directConnection=true&serverSelectionTimeoutMS=500`]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, new RegExp(`ops: cannot reach MongoDB at the --uri server: .*ECONNREFUSED 127.0.0.1:${port}`));
    });

    it("a server that completes the handshake and then stalls a command fails within --timeout (exit 2), naming the step", async () => {
        const { fake, result: running } = stalledCommand;
        const result = await running;
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(result.stderr, /ops: MongoDB at the --uri server did not answer within 1 s while running replSetGetStatus on the --uri server \(--timeout, default 30 s\)/);
        assert.ok(fake.commands.includes("ping"), "the handshake and ping were answered: only the command stalled");
        // 1 s of command budget plus 2 s of socket grace, plus process start-up.
        assert.ok(result.millis < 20_000, `gave up after ${result.millis} ms`);
    });
});

describe("ops settings --outputs --uri (real driver, fake mongod)", () => {
    it("compares the settings the stack's outputs declare with rocketchat_settings: drift exits 1 and is shown", async () => {
        const declared = opsOutputsFixture("prod").rocketchatEnforcedSettings.values as Record<string, string>;
        // Rocket.Chat stores typed values; one setting drifted, one not stored yet.
        const stored = Object.entries(declared)
            .filter(([id]) => id !== "FileUpload_MaxFileSize")
            .map(([id, value]) => ({ _id: id, value: id === "Accounts_ShowFormLogin" ? true : value === "true" ? true : value === "false" ? false : value }));
        const seen: Record<string, unknown>[] = [];
        const fake = new FakeMongod({ find: () => ({ cursor: { firstBatch: stored, id: Long.ZERO, ns: "rocketchat.rocketchat_settings" }, ok: 1 }) });
        const port = await fake.start();
        (fake as any).answer = new Proxy((fake as any).answer, { apply: (target, self, args) => (seen.push(args[0]), Reflect.apply(target, self, args)) });
        try {
            const result = await runOpsInProcess(["settings", "--outputs", opsOutputsFixturePath("prod"), "--uri", `mongodb://127.0.0.1:${port}/?directConnection=true`]);
            assert.equal(result.code, 1, result.stdout + result.stderr);
            const find = seen.find((command) => "find" in command)!;
            assert.equal(find.find, "rocketchat_settings");
            assert.equal(find.$db, "rocketchat", "the database the outputs name");
            assert.match(result.stdout, /differs Accounts_ShowFormLogin = "false" \(stored "true"\)/);
            assert.match(result.stdout, /missing FileUpload_MaxFileSize = "104857600" \(declared, not stored yet\)/);
            assert.match(result.stdout, /not compared \(values come from Secrets\): Accounts_OAuth_Custom-Keycloak-secret, SMTP_Host/);
        } finally {
            await fake.stop();
        }
    });
});

describe("ops status --outputs: through the cluster with the names the outputs give (fake kubectl, fake mongod)", () => {
    const savedPath = process.env.PATH;
    afterEach(() => (process.env.PATH = savedPath));

    it("reads the users Secret and keys the outputs name, and port-forwards to the member pods in order, past one that refuses", async () => {
        // Stops at authentication: the fake mongod refuses SCRAM, which the real driver reports as wrong credentials.
        const fake = new FakeMongod({ saslStart: () => ({ ok: 0, code: 18, codeName: "AuthenticationFailed", errmsg: "Authentication failed." }) });
        const port = await fake.start();
        const dir = mkdtempSync(path.join(tmpdir(), "ops-kubectl-"));
        const b64 = (text: string) => Buffer.from(text).toString("base64");
        // A stand-in kubectl on PATH: logs every call, answers the Secret, forwards to the fake mongod except for member 0.
        writeFileSync(path.join(dir, "kubectl"), [
            "#!/bin/sh",
            `echo "$*" >> "${dir}/calls"`,
            'case "$*" in',
            `  *"get secret"*) echo '{"data":{"root-username":"${b64("root")}","root-password":"${b64("s3cret")}"}}' ;;`,
            '  *"port-forward"*pod/rocketchat-mongodb-0*) echo "error: unable to forward port because pod is not running. Current status=Pending" >&2; exit 1 ;;',
            `  *"port-forward"*) echo "Forwarding from 127.0.0.1:${port} -> 27017"; exec sleep 30 ;;`,
            '  *) echo "unexpected: $*" >&2; exit 1 ;;',
            "esac",
        ].join("\n"), { mode: 0o755 });
        process.env.PATH = `${dir}${path.delimiter}${savedPath}`;
        try {
            const result = await runOpsInProcess(["status", "--outputs", opsOutputsFixturePath("prod"), "--timeout", "5"]);
            assert.equal(result.code, 2, result.stdout + result.stderr);
            assert.match(result.stderr, /MongoDB at rocketchat-prod\/rocketchat-mongodb-1 refused the credentials of user 'root'/);
            assert.ok(!result.stderr.includes("s3cret"), "the password is never printed");
            const calls = readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n");
            assert.deepEqual(calls.filter((c) => c.includes("get secret")), [
                "--request-timeout=5s get secret rocketchat-mongodb-users -n rocketchat-prod -o json",
                "--request-timeout=5s get secret rocketchat-mongodb-users -n rocketchat-prod -o json",
            ]);
            assert.deepEqual(calls.filter((c) => c.includes("port-forward")).map((c) => c.split(" ").find((word) => word.startsWith("pod/"))), ["pod/rocketchat-mongodb-0", "pod/rocketchat-mongodb-1"]);
        } finally {
            await fake.stop();
        }
    });
});
