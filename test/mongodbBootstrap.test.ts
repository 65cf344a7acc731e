/**
 * The replica-set bootstrap (components/mongodb/bootstrap.js) driven against a
 * simulated server that answers like mongod does: same commands, same error
 * codes, same refusal to add two voting members in one reconfig.
 */
import { strict as assert } from "assert";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const bootstrap = require("../components/mongodb/bootstrap.js");

type Reply = Record<string, any>;

interface User { user: string; db: string; roles: unknown[]; pwd: string }

class SimulatedReplicaSet {
    config?: { _id: string; version: number; members: { _id: number; host: string; priority?: number }[] };
    users = new Map<string, User>();
    defaultWriteConcern?: unknown;
    commands: string[] = [];
    /** hello replies before a primary is elected after initiation. */
    electionDelay = 2;
    private hellosSinceInitiate = 0;

    constructor(readonly setName: string, readonly rootPassword: string, opts: { belongsTo?: string } = {}) {
        if (opts.belongsTo) {
            this.config = { _id: opts.belongsTo, version: 1, members: [{ _id: 0, host: "elsewhere:27017" }] };
        }
    }

    connect = (uri: string) => {
        const password = decodeURIComponent(/^mongodb:\/\/[^:]+:([^@]+)@/.exec(uri)![1]);
        return { runCommand: (command: Reply) => this.run(command, password === this.rootPassword) };
    };

    private run(command: Reply, authenticated: boolean): Reply {
        const name = Object.keys(command)[0];
        this.commands.push(name);
        if (!authenticated) {
            return { ok: 0, code: 18, codeName: "AuthenticationFailed", errmsg: "Authentication failed." };
        }
        switch (name) {
            case "replSetGetStatus":
                return this.config
                    ? { ok: 1, set: this.config._id, myState: 1, members: this.config.members.map((m) => ({ _id: m._id, name: m.host, stateStr: "PRIMARY" })) }
                    : { ok: 0, code: 94, codeName: "NotYetInitialized", errmsg: "no replset config has been received" };
            case "replSetInitiate":
                if (this.config) {
                    return { ok: 0, code: 23, codeName: "AlreadyInitialized", errmsg: "already initialized" };
                }
                this.config = { ...command.replSetInitiate, version: 1 };
                this.hellosSinceInitiate = 0;
                return { ok: 1 };
            case "hello":
                this.hellosSinceInitiate++;
                return { ok: 1, setName: this.config?._id, isWritablePrimary: Boolean(this.config) && this.hellosSinceInitiate > this.electionDelay, secondary: false };
            case "replSetGetConfig":
                return { ok: 1, config: this.config };
            case "replSetReconfig": {
                const next = command.replSetReconfig;
                const added = next.members.filter((m: { host: string }) => !this.config!.members.some((c) => c.host === m.host));
                if (added.length > 1) {
                    return { ok: 0, code: 103, codeName: "NewReplicaSetConfigurationIncompatible", errmsg: "Only one voting member may be added at a time" };
                }
                if (next.version !== this.config!.version + 1) {
                    return { ok: 0, code: 103, codeName: "NewReplicaSetConfigurationIncompatible", errmsg: "version must increase by one" };
                }
                this.config = next;
                return { ok: 1 };
            }
            case "usersInfo":
                return { ok: 1, users: [...this.users.values()].map((u) => ({ _id: `${u.db}.${u.user}`, user: u.user, db: u.db, roles: u.roles })) };
            case "createUser":
                if (this.users.has(command.createUser)) {
                    return { ok: 0, code: 51003, codeName: "Location51003", errmsg: `User "${command.createUser}@admin" already exists` };
                }
                this.users.set(command.createUser, { user: command.createUser, db: "admin", roles: command.roles, pwd: command.pwd });
                return { ok: 1 };
            case "updateUser":
                if (!this.users.has(command.updateUser)) {
                    return { ok: 0, code: 11, codeName: "UserNotFound", errmsg: "Could not find user" };
                }
                this.users.set(command.updateUser, { user: command.updateUser, db: "admin", roles: command.roles, pwd: command.pwd });
                return { ok: 1 };
            case "setDefaultRWConcern":
                this.defaultWriteConcern = command.defaultWriteConcern;
                return { ok: 1 };
            default:
                return { ok: 0, code: 59, codeName: "CommandNotFound", errmsg: `no such command: '${name}'` };
        }
    }
}

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.chat.svc.cluster.local:27017`);

function environment(members: number, overrides: Record<string, string> = {}) {
    return {
        REPLICA_SET_NAME: "rs0",
        MEMBER_HOSTS: JSON.stringify(hosts(members)),
        APP_DATABASE: "rocketchat",
        ROOT_USERNAME: "root",
        ROOT_PASSWORD: "r00t/p@ss:word",
        APP_USERNAME: "rocketchat",
        APP_PASSWORD: "app-secret",
        BACKUP_USERNAME: "backup",
        BACKUP_PASSWORD: "backup-secret",
        MONITORING_USERNAME: "monitoring",
        MONITORING_PASSWORD: "monitoring-secret",
        WAIT_ATTEMPTS: "5",
        ...overrides,
    };
}

function runAgainst(server: SimulatedReplicaSet, env: Record<string, string>) {
    const logs: string[] = [];
    const summary = bootstrap.run(env, { connect: server.connect, sleep: () => undefined, log: (text: string) => logs.push(text) });
    return { summary, logs };
}

describe("MongoDB replica-set bootstrap", () => {
    describe("decisions on realistic server replies", () => {
        it("initiates a set that has no config yet, every member by DNS name", () => {
            const plan = bootstrap.planInitiation({ ok: 0, code: 94, codeName: "NotYetInitialized", errmsg: "no replset config has been received" }, "rs0", hosts(3));
            assert.equal(plan.action, "initiate");
            assert.deepEqual(plan.config.members.map((m: { host: string }) => m.host), hosts(3));
            assert.deepEqual(plan.config.members.map((m: { _id: number }) => m._id), [0, 1, 2]);
        });

        it("reconciles an initiated set of the right name", () => {
            assert.equal(bootstrap.planInitiation({ ok: 1, set: "rs0", members: [] }, "rs0", hosts(3)).action, "reconcile");
        });

        it("refuses a member of another replica set", () => {
            const plan = bootstrap.planInitiation({ ok: 1, set: "legacy", members: [] }, "rs0", hosts(3));
            assert.equal(plan.action, "fail");
            assert.match(plan.reason, /replica set 'legacy', expected 'rs0'/);
        });

        it("treats AlreadyInitialized (23) from a lost race as success", () => {
            assert.ok(bootstrap.initiateSucceeded({ ok: 0, code: 23, codeName: "AlreadyInitialized" }));
            assert.ok(!bootstrap.initiateSucceeded({ ok: 0, code: 93, codeName: "InvalidReplicaSetConfig" }));
        });

        it("adds one missing member per reconfig and never removes members", () => {
            const current = { _id: "rs0", version: 3, members: hosts(3).map((host, i) => ({ _id: i, host })) };
            const step = bootstrap.planMembers(current, hosts(5));
            assert.equal(step.action, "add");
            assert.equal(step.host, hosts(5)[3]);
            assert.equal(step.config.version, 4);
            assert.equal(step.config.members.length, 4);
            assert.equal(step.remaining, 1);
            const shrink = bootstrap.planMembers(current, hosts(1));
            assert.equal(shrink.action, "none");
            assert.deepEqual(shrink.extra, hosts(3).slice(1));
        });

        it("creates missing users and updates existing ones", () => {
            const plan = bootstrap.planUsers({ ok: 1, users: [{ user: "rocketchat", db: "admin" }, { user: "backup", db: "reporting" }] }, bootstrap.desiredUsers(environment(3)));
            assert.deepEqual(plan.map((p: { command: string; user: { user: string } }) => `${p.command} ${p.user.user}`), ["updateUser rocketchat", "createUser backup", "createUser monitoring"]);
        });

        it("grants least privilege: readWrite on the app database, backup and restore for backups", () => {
            const [app, backup] = bootstrap.desiredUsers(environment(3));
            assert.deepEqual(app.roles, [{ role: "readWrite", db: "rocketchat" }]);
            assert.deepEqual(backup.roles.map((r: { role: string }) => r.role), ["backup", "restore"]);
        });

        it("gives the exporter's monitoring user clusterMonitor and read on local, nothing on the chat data", () => {
            const monitoring = bootstrap.desiredUsers(environment(3)).find((u: { user: string }) => u.user === "monitoring");
            assert.deepEqual(monitoring.roles, [{ role: "clusterMonitor", db: "admin" }, { role: "read", db: "local" }]);
            assert.equal(monitoring.pwd, "monitoring-secret");
            assert.ok(!monitoring.roles.some((r: { db: string }) => r.db === "rocketchat"), "no role on the application database");
        });
    });

    describe("run against a simulated replica set", () => {
        it("forms a new 3-member set, creates the users and sets majority write concern", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            const { summary } = runAgainst(server, environment(3));
            assert.equal(summary.initiated, true);
            assert.deepEqual(server.config!.members.map((m) => m.host), hosts(3));
            assert.deepEqual(summary.created, ["rocketchat", "backup", "monitoring"]);
            assert.deepEqual(server.users.get("monitoring")!.roles, [{ role: "clusterMonitor", db: "admin" }, { role: "read", db: "local" }]);
            assert.equal(server.users.get("rocketchat")!.pwd, "app-secret");
            assert.deepEqual(server.defaultWriteConcern, { w: "majority" });
        });

        it("is idempotent: a second run initiates nothing and creates no user", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            const configBefore = JSON.stringify(server.config);
            server.commands = [];
            const { summary } = runAgainst(server, environment(3));
            assert.equal(summary.initiated, false);
            assert.deepEqual(summary.created, []);
            assert.deepEqual(summary.added, []);
            assert.ok(!server.commands.includes("replSetInitiate"));
            assert.ok(!server.commands.includes("replSetReconfig"));
            assert.equal(JSON.stringify(server.config), configBefore);
        });

        it("grows 3 -> 5 members one reconfig at a time", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            const { summary } = runAgainst(server, environment(5));
            assert.deepEqual(summary.added, hosts(5).slice(3));
            assert.deepEqual(server.config!.members.map((m) => m.host), hosts(5));
            assert.equal(server.config!.version, 3);
        });

        it("a rotated password is written to the existing user", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            const { summary } = runAgainst(server, environment(3, { APP_PASSWORD: "rotated" }));
            assert.ok(summary.updated.includes("rocketchat"));
            assert.equal(server.users.get("rocketchat")!.pwd, "rotated");
        });

        it("a rotated monitoring password reaches the existing monitoring user", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            const { summary } = runAgainst(server, environment(3, { MONITORING_PASSWORD: "rotated-monitoring" }));
            assert.ok(summary.updated.includes("monitoring"));
            assert.equal(server.users.get("monitoring")!.pwd, "rotated-monitoring");
        });

        it("fails clearly when the root password is refused", () => {
            const server = new SimulatedReplicaSet("rs0", "another-password");
            assert.throws(() => runAgainst(server, environment(3)), /root user was refused/);
        });

        it("fails when the member belongs to another set", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word", { belongsTo: "legacy" });
            assert.throws(() => runAgainst(server, environment(3)), /replica set 'legacy'/);
        });

        it("gives up with a message when no primary is elected", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            server.electionDelay = 1000;
            assert.throws(() => runAgainst(server, environment(3)), /gave up waiting for a writable primary after 5 attempts/);
        });

        it("never logs a password", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            const { logs } = runAgainst(server, environment(3));
            const all = logs.join("\n");
            for (const secret of ["r00t/p@ss:word", "app-secret", "backup-secret", "monitoring-secret", encodeURIComponent("r00t/p@ss:word")]) {
                assert.ok(!all.includes(secret), `log leaks ${secret}`);
            }
        });
    });
});
