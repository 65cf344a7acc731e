/**
 * The replica-set bootstrap (components/mongodb/bootstrap.js) driven against a
 * simulated server that answers like mongod does: same commands, same error
 * codes, same refusal to add two voting members in one reconfig, same refusal
 * to grant a role that does not exist.
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { codes, resolveRoleNames, roleExists, RoleName, UserDefinedRole } from "./support/mongoPrivileges";
import { builtinRole, Privilege } from "./support/mongoBuiltinRoles";
import { privilegeTable } from "./support/privilegeTable";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const bootstrap = require("../components/mongodb/bootstrap.js");

type Reply = Record<string, any>;

interface User { user: string; db: string; roles: RoleName[]; pwd: string }

const restoreRoleText = readFileSync(path.join(__dirname, "..", "components", "mongodb", "restoreRole.json"), "utf8");

/**
 * Privileges as mongod stores and returns them: parsed into Privilege objects,
 * merged per resource and serialised with the actions in ActionSet order
 * (Privilege::addPrivilegeToPrivilegeVector, privilegeVectorToBSONArray), so
 * a reply need not repeat the order a definition was written in.
 */
function storedForm(privileges: readonly Privilege[]): Privilege[] {
    const merged = new Map<string, Set<string>>();
    for (const p of privileges) {
        const key = JSON.stringify(p.resource);
        merged.set(key, new Set([...(merged.get(key) ?? []), ...p.actions]));
    }
    return [...merged.entries()].map(([resource, actions]) => ({ resource: JSON.parse(resource), actions: [...actions].sort() }));
}

/** rolesInfo's argument: 1 (all roles of the database), a name, a { role, db } document, or an array of either. */
function rolesAsked(argument: unknown, definedRoles: readonly UserDefinedRole[]): RoleName[] {
    if (argument === 1) {
        return definedRoles.map(({ role, db }) => ({ role, db }));
    }
    return resolveRoleNames((Array.isArray(argument) ? argument : [argument]) as (string | RoleName)[], "admin");
}

class SimulatedReplicaSet {
    config?: { _id: string; version: number; members: { _id: number; host: string; priority?: number }[] };
    users = new Map<string, User>();
    /** User-defined roles (admin.system.roles). */
    roles: UserDefinedRole[] = [];
    defaultWriteConcern?: unknown;
    commands: string[] = [];
    /** hello replies before a primary is elected after initiation. */
    electionDelay = 2;
    /** Host of the primary; the first member unless it stepped down. */
    primaryHost?: string;
    /** buildInfo version per host (mongod --version); every member runs this unless told otherwise. */
    versions = new Map<string, string>();
    binaryVersion = "8.0.29";
    featureCompatibility: { version: string; targetVersion?: string } = { version: "8.0" };
    /** Replies the next replSetReconfig commands get instead of being applied (a passing election, say). */
    reconfigRefusals: Reply[] = [];
    private hellosSinceInitiate = 0;

    constructor(readonly setName: string, public rootPassword: string, opts: { belongsTo?: string } = {}) {
        if (opts.belongsTo) {
            this.config = { _id: opts.belongsTo, version: 1, members: [{ _id: 0, host: "elsewhere:27017" }] };
        }
    }

    /** Every connection's user name and password, in order (to prove which root password was tried). */
    logins: { user: string; password: string }[] = [];

    /**
     * A login as `root` (the image's user: docker-entrypoint.sh creates it on an
     * empty volume) or as a user the bootstrap created. A wrong password is
     * AuthenticationFailed (18) (src/mongo/base/error_codes.yml; SCRAM refuses
     * the login, so no command runs); a user other than root holds no user
     * administration or replica-set privileges, so those commands answer
     * Unauthorized (13) (the built-in roles of createUser's "Required Access":
     * createUser/updateUser/dropUser need userAdmin actions, replSet* clusterManager).
     */
    connect = (uri: string) => {
        const { name, authenticated } = this.login(uri);
        const direct = /directConnection=true/.test(uri) ? /@([^/]+)\//.exec(uri)![1] : undefined;
        return { runCommand: (command: Reply) => this.run(command, authenticated, direct, name === "root") };
    };

    /** Whether the connection string's user and password log in (recorded in `logins`). */
    login(uri: string): { name: string; authenticated: boolean } {
        const [, user, encoded] = /^mongodb:\/\/([^:]+):([^@]+)@/.exec(uri)!;
        const password = decodeURIComponent(encoded);
        const name = decodeURIComponent(user);
        this.logins.push({ user: name, password });
        return { name, authenticated: name === "root" ? password === this.rootPassword : this.users.get(name)?.pwd === password };
    }

    private currentPrimary(): string | undefined {
        if (!this.config) {
            return undefined;
        }
        const hosts = this.config.members.map((m) => m.host);
        return this.primaryHost && hosts.includes(this.primaryHost) ? this.primaryHost : hosts[0];
    }

    private run(command: Reply, authenticated: boolean, direct: string | undefined, asRoot: boolean): Reply {
        const name = Object.keys(command)[0];
        this.commands.push(name);
        if (!authenticated) {
            return { ok: 0, code: 18, codeName: "AuthenticationFailed", errmsg: "Authentication failed." };
        }
        if (!asRoot && !["hello", "ping", "buildInfo"].includes(name)) {
            return { ok: 0, code: codes.Unauthorized, codeName: "Unauthorized", errmsg: `not authorized on admin to execute command { ${name}: ... }` };
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
                return { ok: 1, setName: this.config?._id, isWritablePrimary: Boolean(this.config) && this.hellosSinceInitiate > this.electionDelay, secondary: false, me: this.currentPrimary() };
            case "replSetStepDown": {
                // The next member takes over (an election among the rest).
                const hosts = this.config!.members.map((m) => m.host);
                const old = this.currentPrimary()!;
                this.primaryHost = hosts.find((h) => h !== old);
                return { ok: 1 };
            }
            case "buildInfo":
                return { ok: 1, version: this.versions.get(direct ?? "") ?? this.binaryVersion };
            case "getParameter":
                return { ok: 1, featureCompatibilityVersion: this.featureCompatibility };
            case "setFeatureCompatibilityVersion": {
                const major = Number(String(command.setFeatureCompatibilityVersion).split(".")[0]);
                const binary = (this.versions.get(this.currentPrimary() ?? "") ?? this.binaryVersion).split(".").slice(0, 2).join(".");
                if (Number(command.setFeatureCompatibilityVersion) > Number(binary)) {
                    // Only the binary's own series or an older one is a valid value
                    // (FeatureCompatibilityVersionParser, src/mongo/db/commands/feature_compatibility_version_parser.cpp).
                    return { ok: 0, code: codes.BadValue, codeName: "BadValue", errmsg: `Invalid feature compatibility version value '${command.setFeatureCompatibilityVersion}'` };
                }
                if (major >= 7 && command.confirm !== true) {
                    // MongoDB 7.0+: IllegalOperation without confirm.
                    return { ok: 0, code: 20, codeName: "IllegalOperation", errmsg: "Once you have upgraded to 7.0, you will not be able to downgrade FCV and binary version without support assistance. Please re-run this command with 'confirm: true'" };
                }
                this.featureCompatibility = { version: command.setFeatureCompatibilityVersion };
                return { ok: 1 };
            }
            case "replSetGetConfig":
                return { ok: 1, config: this.config };
            case "replSetReconfig": {
                const refusal = this.reconfigRefusals.shift();
                if (refusal) {
                    return refusal;
                }
                const next = command.replSetReconfig;
                const added = next.members.filter((m: { host: string }) => !this.config!.members.some((c) => c.host === m.host));
                const removed = this.config!.members.filter((c) => !next.members.some((m: { host: string }) => m.host === c.host));
                if (removed.some((m) => m.host === this.currentPrimary())) {
                    // replSetReconfig refuses a config without the node it runs on.
                    return { ok: 0, code: 74, codeName: "NodeNotFound", errmsg: "No host described in new configuration with {version: ...} for replica set maps to this node" };
                }
                if (added.length + removed.length > 1) {
                    return { ok: 0, code: 103, codeName: "NewReplicaSetConfigurationIncompatible", errmsg: "Only one voting member may be added at a time" };
                }
                if (next.version !== this.config!.version + 1) {
                    return { ok: 0, code: 103, codeName: "NewReplicaSetConfigurationIncompatible", errmsg: "version must increase by one" };
                }
                this.config = next;
                return { ok: 1 };
            }
            case "usersInfo":
                // admin.system.users holds root too (the image's entrypoint created it).
                return {
                    ok: 1,
                    users: [{ user: "root", db: "admin", roles: [{ role: "root", db: "admin" }] }, ...this.users.values()]
                        .map((u) => ({ _id: `${u.db}.${u.user}`, user: u.user, db: u.db, roles: u.roles })),
                };
            case "dropUser":
                // UserNotFound (11) for a user that does not exist (dropUser, user_management_commands.cpp).
                if (!this.users.delete(command.dropUser)) {
                    return { ok: 0, code: 11, codeName: "UserNotFound", errmsg: `User '${command.dropUser}@admin' not found` };
                }
                return { ok: 1 };
            case "createUser": {
                const roles = resolveRoleNames(command.roles, "admin");
                const unknown = this.unknownRoles(roles);
                if (unknown) {
                    return unknown;
                }
                if (this.users.has(command.createUser)) {
                    return { ok: 0, code: codes.UserAlreadyExists, codeName: "Location51003", errmsg: `User "${command.createUser}@admin" already exists` };
                }
                this.users.set(command.createUser, { user: command.createUser, db: "admin", roles, pwd: command.pwd });
                return { ok: 1 };
            }
            case "updateUser": {
                if (command.updateUser === "root") {
                    // Only the password changes: updateUser leaves fields it is not given alone.
                    this.rootPassword = command.pwd;
                    return { ok: 1 };
                }
                if (!this.users.has(command.updateUser)) {
                    return { ok: 0, code: 11, codeName: "UserNotFound", errmsg: "Could not find user" };
                }
                const roles = resolveRoleNames(command.roles, "admin");
                const unknown = this.unknownRoles(roles);
                if (unknown) {
                    return unknown;
                }
                this.users.set(command.updateUser, { user: command.updateUser, db: "admin", roles, pwd: command.pwd });
                return { ok: 1 };
            }
            case "rolesInfo":
                // A role that does not exist is left out of the reply; privileges only
                // with showPrivileges (getRolesDescription, filterAndMapRole in
                // src/mongo/db/auth/authorization_backend_local.cpp).
                return {
                    ok: 1,
                    roles: rolesAsked(command.rolesInfo, this.roles).flatMap((name) => {
                        const builtin = builtinRole(name);
                        const defined = this.roles.find((r) => r.role === name.role && r.db === name.db);
                        const found = builtin ?? defined;
                        if (!found) {
                            return [];
                        }
                        const privileges = command.showPrivileges ? { privileges: storedForm(found.privileges) } : {};
                        return [{ _id: `${name.db}.${name.role}`, role: name.role, db: name.db, roles: builtin ? [] : found.roles, isBuiltin: Boolean(builtin), ...privileges }];
                    }),
                };
            case "createRole": {
                // typedRun(CreateRoleCommand), src/mongo/db/commands/user_management_commands.cpp.
                const role: UserDefinedRole = { role: command.createRole, db: "admin", privileges: storedForm(command.privileges), roles: resolveRoleNames(command.roles, "admin") };
                if (builtinRole(role)) {
                    return { ok: 0, code: codes.BadValue, codeName: "BadValue", errmsg: "Cannot create roles with the same name as a built-in role" };
                }
                const unknown = this.unknownRoles(role.roles);
                if (unknown) {
                    return unknown;
                }
                if (this.roles.some((r) => r.role === role.role)) {
                    return { ok: 0, code: codes.RoleAlreadyExists, codeName: "Location51002", errmsg: `Role "${role.role}@admin" already exists` };
                }
                this.roles.push(role);
                return { ok: 1 };
            }
            case "updateRole": {
                // typedRun(UpdateRoleCommand): the given fields replace the stored ones.
                if (command.privileges === undefined && command.roles === undefined) {
                    return { ok: 0, code: codes.BadValue, codeName: "BadValue", errmsg: "Must specify at least one field to update in updateRole" };
                }
                const index = this.roles.findIndex((r) => r.role === command.updateRole);
                if (index < 0) {
                    return { ok: 0, code: codes.RoleNotFound, codeName: "RoleNotFound", errmsg: `Could not find role: ${command.updateRole}@admin` };
                }
                const roles = command.roles === undefined ? this.roles[index].roles : resolveRoleNames(command.roles, "admin");
                const unknown = this.unknownRoles(roles);
                if (unknown) {
                    return unknown;
                }
                const privileges = command.privileges === undefined ? this.roles[index].privileges : storedForm(command.privileges);
                this.roles[index] = { ...this.roles[index], privileges, roles };
                return { ok: 1 };
            }
            case "setDefaultRWConcern":
                this.defaultWriteConcern = command.defaultWriteConcern;
                return { ok: 1 };
            default:
                return { ok: 0, code: 59, codeName: "CommandNotFound", errmsg: `no such command: '${name}'` };
        }
    }

    /** RoleNotFound (31) naming every role that does not exist (AuthorizationBackendLocal::rolesExist). */
    private unknownRoles(roles: readonly RoleName[]): Reply | undefined {
        const unknown = roles.filter((r) => !roleExists(r, this.roles));
        return unknown.length === 0
            ? undefined
            : { ok: 0, code: codes.RoleNotFound, codeName: "RoleNotFound", errmsg: `Could not find role${unknown.length > 1 ? "s" : ""}: ${unknown.map((r) => `${r.role}@${r.db}`).join(", ")}` };
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
        RESTORE_USERNAME: "restore",
        RESTORE_PASSWORD: "restore-secret",
        RESTORE_ROLE: restoreRoleText,
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

        it("adds one missing member per reconfig", () => {
            const current = { _id: "rs0", version: 3, members: hosts(3).map((host, i) => ({ _id: i, host })) };
            const step = bootstrap.planMembers(current, hosts(5));
            assert.equal(step.action, "add");
            assert.equal(step.host, hosts(5)[3]);
            assert.equal(step.config.version, 4);
            assert.equal(step.config.members.length, 4);
            assert.equal(step.remaining, 1);
        });

        it("creates missing users and updates existing ones", () => {
            const plan = bootstrap.planUsers({ ok: 1, users: [{ user: "rocketchat", db: "admin" }, { user: "backup", db: "reporting" }] }, bootstrap.desiredUsers(environment(3)));
            assert.deepEqual(plan.map((p: { command: string; user: { user: string } }) => `${p.command} ${p.user.user}`),
                ["updateUser rocketchat", "createUser backup", "createUser restore", "createUser monitoring"]);
        });

        it("gives the backup user only the read-only backup role and the restore user only the restore role", () => {
            const [app, backup, restore] = bootstrap.desiredUsers(environment(3));
            assert.deepEqual(app.roles, [{ role: "readWrite", db: "rocketchat" }]);
            assert.deepEqual(backup.roles, [{ role: "backup", db: "admin" }]);
            assert.deepEqual(restore.roles, [{ role: JSON.parse(restoreRoleText).role, db: "admin" }]);
            assert.equal(restore.pwd, "restore-secret");
        });

        it("gives the exporter's monitoring user clusterMonitor only, nothing on the chat data", () => {
            const monitoring = bootstrap.desiredUsers(environment(3)).find((u: { user: string }) => u.user === "monitoring");
            assert.deepEqual(monitoring.roles, [{ role: "clusterMonitor", db: "admin" }]);
            assert.equal(monitoring.pwd, "monitoring-secret");
        });

        it("takes the restore role from RESTORE_ROLE, the JSON of restoreRole.json, and names the variable when it is missing or malformed", () => {
            assert.deepEqual(bootstrap.desiredRoles(environment(3)), [{ ...JSON.parse(restoreRoleText), db: "admin" }]);
            assert.throws(() => bootstrap.desiredRoles(environment(3, { RESTORE_ROLE: "" })), /RESTORE_ROLE must be the JSON of the restore role definition/);
            assert.throws(() => bootstrap.desiredRoles(environment(3, { RESTORE_ROLE: JSON.stringify({ role: "x", privileges: {} }) })), /RESTORE_ROLE must be a createRole definition/);
        });

        describe("planRoles on rolesInfo replies", () => {
            const desired = [{ role: "oplogRestore", db: "admin", privileges: [{ resource: { anyResource: true }, actions: ["anyAction"] }], roles: [] }];
            const stored = (privileges: unknown, roles: unknown[] = []) => ({ ok: 1, roles: [{ _id: "admin.oplogRestore", role: "oplogRestore", db: "admin", isBuiltin: false, privileges, roles }] });

            it("creates a role the reply does not list", () => {
                assert.deepEqual(bootstrap.planRoles({ ok: 1, roles: [] }, desired).map((s: { command: string }) => s.command), ["createRole"]);
            });

            it("does nothing when the stored definition equals the desired one, whatever the order", () => {
                assert.deepEqual(bootstrap.planRoles(stored([{ resource: { anyResource: true }, actions: ["anyAction"] }]), desired), []);
                const twoPrivileges = [{ ...desired[0], privileges: [
                    { resource: { db: "rocketchat", collection: "" }, actions: ["insert", "find"] },
                    { resource: { cluster: true }, actions: ["applyOps"] },
                ] }];
                const reordered = stored([{ resource: { cluster: true }, actions: ["applyOps"] }, { resource: { collection: "", db: "rocketchat" }, actions: ["find", "insert"] }]);
                assert.deepEqual(bootstrap.planRoles(reordered, twoPrivileges), []);
            });

            it("updates a role whose privileges or inherited roles differ", () => {
                const narrower = stored([{ resource: { db: "", collection: "" }, actions: ["find"] }]);
                assert.deepEqual(bootstrap.planRoles(narrower, desired).map((s: { command: string }) => s.command), ["updateRole"]);
                const inherits = stored([{ resource: { anyResource: true }, actions: ["anyAction"] }], [{ role: "read", db: "admin" }]);
                assert.deepEqual(bootstrap.planRoles(inherits, desired).map((s: { command: string }) => s.command), ["updateRole"]);
            });
        });
    });

    describe("run against a simulated replica set", () => {
        it("forms a new 3-member set, creates the users and sets majority write concern", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            const { summary } = runAgainst(server, environment(3));
            assert.equal(summary.initiated, true);
            assert.deepEqual(server.config!.members.map((m) => m.host), hosts(3));
            assert.deepEqual(summary.created, ["rocketchat", "backup", "restore", "monitoring"]);
            assert.deepEqual(server.users.get("monitoring")!.roles, [{ role: "clusterMonitor", db: "admin" }]);
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

        it("reproduction: a renamed set (rs0 -> rs1) is refused with what to do instead, nothing changes", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            const before = JSON.stringify(server.config);
            assert.throws(() => runAgainst(server, environment(3, { REPLICA_SET_NAME: "rs1" })),
                /belongs to replica set 'rs0', expected 'rs1': a replica set cannot be renamed in place\. Set mongodbReplicaSetName back to 'rs0'/);
            assert.equal(JSON.stringify(server.config), before);
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
            for (const secret of ["r00t/p@ss:word", "app-secret", "backup-secret", "restore-secret", "monitoring-secret", encodeURIComponent("r00t/p@ss:word")]) {
                assert.ok(!all.includes(secret), `log leaks ${secret}`);
            }
        });
    });

    describe("rotation on purpose (components/credentialPlan.ts)", () => {
        const rotatedRoot = { ROOT_PASSWORD: "n3w-r00t/p@ss", ROOT_PASSWORD_PREVIOUS: "r00t/p@ss:word" };

        it("the simulated server enforces what mongod enforces: a wrong password is AuthenticationFailed (18), a non-root user may not administer users (13)", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            const asApp = (password: string) => server.connect(`mongodb://rocketchat:${password}@${hosts(3)[0]}/admin?directConnection=true`);
            assert.equal(asApp("wrong").runCommand({ hello: 1 }).code, 18);
            assert.equal(asApp("app-secret").runCommand({ hello: 1 }).ok, 1);
            assert.equal(asApp("app-secret").runCommand({ updateUser: "root", pwd: "x" }).code, 13);
            assert.equal(server.connect(`mongodb://root:wrong@${hosts(3)[0]}/admin`).runCommand({ replSetGetStatus: 1 }).code, 18);
        });

        describe("planRootLogin", () => {
            const refused = { ok: 0, code: 18, codeName: "AuthenticationFailed" };
            const status = { ok: 1, set: "rs0" };
            it("the current password accepted: use it", () => {
                assert.deepEqual(bootstrap.planRootLogin(status, undefined), { action: "current" });
            });
            it("current refused, no previous (not a rotation run): today's refusal", () => {
                assert.deepEqual(bootstrap.planRootLogin(refused, undefined), { action: "fail", reason: "the root user was refused: check the users Secret against the member's data volume" });
            });
            it("current refused, previous accepted: change root's password", () => {
                assert.deepEqual(bootstrap.planRootLogin(refused, status), { action: "rotate" });
            });
            it("both refused: the refusal, saying both were tried", () => {
                assert.match(bootstrap.planRootLogin(refused, refused).reason, /root user was refused.*neither the current nor the previous/);
            });
        });

        it("root: the new password refused -> the previous accepted -> updateUser root -> the new one accepted; the next run needs no previous", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            server.logins = [];
            const { summary, logs } = runAgainst(server, environment(3, rotatedRoot));
            assert.equal(summary.rootPasswordChanged, true);
            assert.equal(server.rootPassword, "n3w-r00t/p@ss");
            const rootLogins = server.logins.filter((l) => l.user === "root").map((l) => l.password);
            assert.deepEqual(rootLogins.slice(0, 3), ["n3w-r00t/p@ss", "r00t/p@ss:word", "r00t/p@ss:word"], "new refused, previous for the status and the primary");
            assert.ok(rootLogins.slice(3).every((p) => p === "n3w-r00t/p@ss"), "after the change only the new password");
            assert.ok(!logs.join("\n").includes("n3w-r00t") && !logs.join("\n").includes("r00t/p@ss:word"), "no password in the log");

            // Re-running the same rotation (a failed run repeated) logs in with the new password at once.
            const again = runAgainst(server, environment(3, rotatedRoot)).summary;
            assert.equal(again.rootPasswordChanged, undefined);
            const next = runAgainst(server, environment(3, { ROOT_PASSWORD: "n3w-r00t/p@ss" })).summary;
            assert.equal(next.rootPasswordChanged, undefined);
        });

        it("root: both passwords refused -> the refusal, nothing changed", () => {
            const server = new SimulatedReplicaSet("rs0", "somebody-else's");
            runAgainst(server, environment(3, { ROOT_PASSWORD: "somebody-else's" }));
            server.commands = [];
            assert.throws(() => runAgainst(server, environment(3, rotatedRoot)), /root user was refused.*neither the current nor the previous/);
            assert.equal(server.rootPassword, "somebody-else's");
            assert.ok(!server.commands.includes("updateUser"));
        });

        it("app: generation 1 is a new user beside generation 0 (no lock-out), and the following run drops generation 0", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            const login = (user: string, password: string) => server.connect(`mongodb://${user}:${password}@${hosts(3)[0]}/admin`).runCommand({ hello: 1 }).ok;

            const rotation = environment(3, { APP_USERNAME: "rocketchat-g1", APP_PASSWORD: "app-secret-g1", PREVIOUS_USERNAMES: JSON.stringify(["rocketchat"]) });
            const { summary } = runAgainst(server, rotation);
            assert.deepEqual(summary.created, ["rocketchat-g1"]);
            assert.deepEqual(summary.dropped, []);
            assert.equal(login("rocketchat-g1", "app-secret-g1"), 1, "the new generation logs in");
            assert.equal(login("rocketchat", "app-secret"), 1, "pods not restarted yet keep working");
            assert.deepEqual(server.users.get("rocketchat-g1")!.roles, server.users.get("rocketchat")!.roles, "same roles");

            const following = runAgainst(server, environment(3, { APP_USERNAME: "rocketchat-g1", APP_PASSWORD: "app-secret-g1" })).summary;
            assert.deepEqual(following.dropped, ["rocketchat"]);
            assert.equal(login("rocketchat", "app-secret"), 0, "generation 0 is gone");
            assert.equal(login("rocketchat-g1", "app-secret-g1"), 1);
            assert.deepEqual([...server.users.keys()].sort(), ["backup", "monitoring", "restore", "rocketchat-g1"], "other users untouched");
            assert.equal(server.rootPassword, "r00t/p@ss:word", "root untouched");
        });

        describe("under mongosh, where a refused login throws when connecting", () => {
            /** A server error as the driver throws it (MongoServerError: code, codeName, message). */
            const serverError = (reply: Reply) => Object.assign(new Error(reply.errmsg), { code: reply.code, codeName: reply.codeName });
            /**
             * mongosh's Mongo: the constructor connects and authenticates at once
             * (shell-api Mongo() awaits mongo.connect()), and runCommand throws on
             * ok: 0 instead of returning the reply.
             */
            const mongoshOver = (server: SimulatedReplicaSet) => class {
                private readonly connection: { runCommand: (command: Reply) => Reply };
                constructor(uri: string) {
                    if (!server.login(uri).authenticated) {
                        throw serverError({ code: 18, codeName: "AuthenticationFailed", errmsg: "Authentication failed." });
                    }
                    this.connection = server.connect(uri);
                }
                getDB() {
                    return { runCommand: (command: Reply) => {
                        const reply = this.connection.runCommand(command);
                        if (reply.ok !== 1) {
                            throw serverError(reply);
                        }
                        return reply;
                    } };
                }
            };
            const runUnderMongosh = (server: SimulatedReplicaSet, env: Record<string, string>) =>
                bootstrap.run(env, bootstrap.mongoshIo(mongoshOver(server), () => undefined, () => undefined));

            it("rotates root the same way", () => {
                const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
                runUnderMongosh(server, environment(3));
                assert.equal(runUnderMongosh(server, environment(3, rotatedRoot)).rootPasswordChanged, true);
                assert.equal(server.rootPassword, "n3w-r00t/p@ss");
            });

            it("refuses with the refusal text, not the driver's error after every retry", () => {
                const server = new SimulatedReplicaSet("rs0", "somebody-else's");
                assert.throws(() => runUnderMongosh(server, environment(3)), /^Error: the root user was refused: check the users Secret/);
                assert.throws(() => runUnderMongosh(server, environment(3, rotatedRoot)), /neither the current nor the previous/);
            });
        });

        it("drops only generations of the platform's own users: never root, never a user of another name", () => {
            const users = { ok: 1, users: [
                { user: "root", db: "admin" }, { user: "rocketchat", db: "admin" }, { user: "rocketchat-g2", db: "admin" }, { user: "rocketchat-g3", db: "admin" },
                { user: "rocketchat-reporting", db: "admin" }, { user: "backup", db: "admin" }, { user: "rocketchat", db: "other" },
            ] };
            const desired = [{ user: "rocketchat-g3", pwd: "x", roles: [] }, { user: "backup", pwd: "y", roles: [] }];
            const steps = bootstrap.planUsers(users, desired, ["rocketchat-g2"]);
            assert.deepEqual(steps.map((s: any) => `${s.command} ${s.user.user}`), ["updateUser rocketchat-g3", "updateUser backup", "dropUser rocketchat"]);
        });
    });

    describe("the restore role and the restore user", () => {
        const restoreRole = JSON.parse(restoreRoleText);

        it("the simulated server refuses a user whose role does not exist yet, as mongod does (RoleNotFound, 31)", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            const db = server.connect("mongodb://root:r00t%2Fp%40ss%3Aword@seed:27017/admin");
            const reply = db.runCommand({ createUser: "restore", pwd: "x", roles: [{ role: restoreRole.role, db: "admin" }] });
            assert.equal(reply.code, 31);
            assert.match(reply.errmsg, new RegExp(`Could not find role: ${restoreRole.role}@admin`));
            assert.equal(db.runCommand({ createRole: restoreRole.role, privileges: restoreRole.privileges, roles: [] }).ok, 1);
            assert.equal(db.runCommand({ createRole: restoreRole.role, privileges: restoreRole.privileges, roles: [] }).code, 51002, "a second createRole is refused");
            assert.equal(db.runCommand({ createUser: "restore", pwd: "x", roles: [{ role: restoreRole.role, db: "admin" }] }).ok, 1);
            assert.equal(db.runCommand({ updateRole: "absent", privileges: [] }).code, 31);
            assert.equal(db.runCommand({ createRole: "backup", privileges: [], roles: [] }).code, 2, "built-in names are refused");
        });

        it("creates the restore role before the users, then the restore user holding only that role", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            const { summary } = runAgainst(server, environment(3));
            assert.deepEqual(summary.rolesCreated, [restoreRole.role]);
            assert.ok(server.commands.indexOf("createRole") < server.commands.indexOf("createUser"), `order: ${server.commands.join(", ")}`);
            assert.deepEqual(server.roles.map((r) => ({ role: r.role, privileges: r.privileges, roles: r.roles })),
                [{ role: restoreRole.role, privileges: restoreRole.privileges, roles: [] }]);
            assert.deepEqual(server.users.get("restore")!.roles, [{ role: restoreRole.role, db: "admin" }]);
            assert.equal(server.users.get("restore")!.pwd, "restore-secret");
        });

        it("is idempotent: a second run sends neither createRole nor updateRole", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            server.commands = [];
            const { summary } = runAgainst(server, environment(3));
            assert.deepEqual([summary.rolesCreated, summary.rolesUpdated], [[], []]);
            assert.ok(server.commands.includes("rolesInfo"));
            assert.ok(!server.commands.includes("createRole") && !server.commands.includes("updateRole"), server.commands.join(", "));
        });

        it("applies a changed role definition with updateRole, once", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            const narrow = { ...restoreRole, privileges: [{ resource: { db: "", collection: "" }, actions: ["insert", "find"] }] };
            runAgainst(server, environment(3, { RESTORE_ROLE: JSON.stringify(narrow) }));
            assert.deepEqual(server.roles[0].privileges, [{ resource: { db: "", collection: "" }, actions: ["find", "insert"] }]);
            const { summary } = runAgainst(server, environment(3));
            assert.deepEqual(summary.rolesUpdated, [restoreRole.role]);
            assert.deepEqual(server.roles[0].privileges, restoreRole.privileges);
            server.commands = [];
            runAgainst(server, environment(3));
            assert.ok(!server.commands.includes("updateRole"), "the updated definition is now the stored one");
        });

        it("narrows an existing backup user from backup + restore to backup only", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            server.users.set("backup", { user: "backup", db: "admin", roles: [{ role: "backup", db: "admin" }, { role: "restore", db: "admin" }], pwd: "backup-secret" });
            runAgainst(server, environment(3));
            assert.deepEqual(server.users.get("backup")!.roles, [{ role: "backup", db: "admin" }]);
        });
    });

    it("sends exactly the commands of the privilege table's bootstrap rows (test/support/privilegeTable.ts)", () => {
        const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
        const narrow = { ...JSON.parse(restoreRoleText), privileges: [{ resource: { db: "", collection: "" }, actions: ["find"] }] };
        runAgainst(server, environment(3, { RESTORE_ROLE: JSON.stringify(narrow) })); // initiate, create roles and users
        server.featureCompatibility = { version: "7.0" };
        runAgainst(server, environment(5)); // reconfig, update the role and the users
        runAgainst(server, environment(5, { MODE: "finalize" })); // the finalize run: buildInfo of each member, raise the FCV
        server.primaryHost = hosts(5)[4];
        runAgainst(server, environment(3, { MEMBER_REMOVAL_ALLOWED: "true" })); // step the departing primary down, remove members
        runAgainst(server, environment(3, { ROOT_PASSWORD: "rotated-root", ROOT_PASSWORD_PREVIOUS: "r00t/p@ss:word", APP_USERNAME: "rocketchat-g1", PREVIOUS_USERNAMES: "[\"rocketchat\"]" }));
        runAgainst(server, environment(3, { ROOT_PASSWORD: "rotated-root", APP_USERNAME: "rocketchat-g1" })); // root's password changed, the replaced user dropped
        const env = environment(3);
        const rows = privilegeTable({ appRole: bootstrap.desiredUsers(env)[0].roles[0], restoreRole: bootstrap.desiredRoles(env)[0] }, [])
            .filter((r) => r.id.startsWith("bootstrap:"));
        assert.deepEqual(new Set(server.commands), new Set(rows.flatMap((r) => r.commands)));
        assert.ok(rows.every((r) => r.identity === "root"), "the bootstrap connects as root");
    });
});

describe("replica-set changes: safe or refused (bootstrap planners)", () => {
    const configOf = (list: string[], version = 7) => ({ _id: "rs0", version, members: list.map((host, i) => ({ _id: i, host, priority: 1 })) });
    const otherDomain = (n: number) => hosts(n).map((h) => h.replace("svc.cluster.local", "svc.corp.example"));

    describe("decisions", () => {
        it("5 -> 3 without the opt-in is refused, naming the members and the two ways out", () => {
            const step = bootstrap.planMembers(configOf(hosts(5)), hosts(3), { primary: hosts(5)[0] });
            assert.equal(step.action, "refuse");
            assert.equal(step.reason,
                `the replica set has 5 voting members but 3 are wanted: ${hosts(5)[3]}, ${hosts(5)[4]} would stay voters without pods, ` +
                "so the set would tolerate fewer failures than its disruption budget lets a drain take. " +
                "Set mongodbMembers back to 5, or set mongodbAllowMemberRemoval to true to remove them from the replica set (one reconfig at a time, the primary last) before their pods go");
        });

        it("5 -> 3 with the opt-in removes one member per reconfig, highest first", () => {
            const step = bootstrap.planMembers(configOf(hosts(5)), hosts(3), { allowRemoval: true, primary: hosts(5)[0] });
            assert.equal(step.action, "remove");
            assert.equal(step.host, hosts(5)[4]);
            assert.equal(step.config.version, 8);
            assert.deepEqual(step.config.members.map((m: { host: string }) => m.host), hosts(4));
            assert.equal(step.remaining, 1);
        });

        it("never removes the primary first: other departing members go first, then the primary steps down", () => {
            const primary = hosts(5)[4];
            const first = bootstrap.planMembers(configOf(hosts(5)), hosts(3), { allowRemoval: true, primary });
            assert.deepEqual([first.action, first.host], ["remove", hosts(5)[3]]);
            const last = bootstrap.planMembers(configOf(hosts(5).filter((h) => h !== hosts(5)[3])), hosts(3), { allowRemoval: true, primary });
            assert.deepEqual([last.action, last.host], ["stepDown", primary]);
        });

        it("reproduction: a changed clusterDomain would add the same pods again; it is refused with what to do instead", () => {
            const step = bootstrap.planMembers(configOf(hosts(3)), otherDomain(3), { primary: hosts(3)[0] });
            assert.equal(step.action, "refuse");
            assert.match(step.reason, /^member host names changed \(rocketchat-mongodb-0\.rocketchat-mongodb-headless\.chat\.svc\.cluster\.local:27017 -> rocketchat-mongodb-0\.rocketchat-mongodb-headless\.chat\.svc\.corp\.example:27017, /);
            assert.match(step.reason, /Set clusterDomain and the names back to what the set was created with \(members under 'rocketchat-mongodb-headless\.chat\.svc\.cluster\.local', not 'rocketchat-mongodb-headless\.chat\.svc\.corp\.example'\), or move to the new names by a backup and a restore into a new stack$/);
        });

        it("the pre-change step adds nothing (the new pods do not exist yet)", () => {
            assert.equal(bootstrap.planMembers(configOf(hosts(3)), hosts(5), { addMissing: false }).action, "none");
        });
    });

    describe("featureCompatibilityVersion", () => {
        const fcv = (version: string, targetVersion?: string) => ({ ok: 1, featureCompatibilityVersion: targetVersion ? { version, targetVersion } : { version } });

        it("raised with confirm: true once every member runs the new major", () => {
            const step = bootstrap.planFeatureCompatibility(fcv("7.0"), ["8.0.29", "8.0.29", "8.0.29"]);
            assert.equal(step.action, "raise");
            assert.deepEqual(step.command, { setFeatureCompatibilityVersion: "8.0", confirm: true });
            assert.equal(step.reason, "every member runs 8.0: raising featureCompatibilityVersion from 7.0");
        });

        it("left alone while members differ or one does not answer", () => {
            assert.equal(bootstrap.planFeatureCompatibility(fcv("7.0"), ["8.0.29", "7.0.26", "8.0.29"]).action, "wait");
            assert.equal(bootstrap.planFeatureCompatibility(fcv("7.0"), ["8.0.29", undefined, "8.0.29"]).action, "wait");
        });

        it("nothing to do when it matches; an interrupted raise is finished", () => {
            assert.equal(bootstrap.planFeatureCompatibility(fcv("8.0"), ["8.0.29", "8.0.29", "8.0.29"]).action, "none");
            assert.equal(bootstrap.planFeatureCompatibility(fcv("7.0", "8.0"), ["8.0.29", "8.0.29", "8.0.29"]).action, "raise");
        });

        it("raised one series per command: a set two series behind goes 6.0 -> 7.0 first", () => {
            assert.deepEqual(bootstrap.planFeatureCompatibility(fcv("6.0"), ["8.0.29", "8.0.29", "8.0.29"]).command, { setFeatureCompatibilityVersion: "7.0", confirm: true });
        });

        it("never lowered: a member below the FCV is a failure, not a reason to lower it", () => {
            const step = bootstrap.planFeatureCompatibility(fcv("8.0"), ["7.0.26", "8.0.29", "8.0.29"]);
            assert.equal(step.action, "fail");
            assert.match(step.reason, /a member runs 7\.0 below the featureCompatibilityVersion 8\.0/);
        });

        it("before the image changes: a binary below the FCV and a skipped series are refused with the path", () => {
            const below = bootstrap.planBinaryChange(fcv("8.0"), ["8.0.29", "8.0.29", "8.0.29"], "7.0.26");
            assert.equal(below.action, "refuse");
            assert.match(below.reason, /^MongoDB 7\.0\.26 is below the featureCompatibilityVersion 8\.0: its binary cannot open this data, and this program never lowers the FCV\. Keep mongodbImage at 8\.0 or newer/);
            const skip = bootstrap.planBinaryChange(fcv("6.0"), ["6.0.20", "6.0.20", "6.0.20"], "8.0.29");
            assert.equal(skip.action, "refuse");
            assert.equal(skip.reason, "MongoDB 6.0 -> 8.0 skips a major release: upgrade one series at a time (6.0 -> 7.0 -> 8.0), one pulumi up each, letting the featureCompatibilityVersion be raised in between");
            assert.equal(bootstrap.planBinaryChange(fcv("7.0"), ["7.0.26", "7.0.26", "7.0.26"], "8.0.29").action, "allow");
            // Back to the old binary while the FCV was not raised yet is a legal rollback.
            assert.equal(bootstrap.planBinaryChange(fcv("7.0"), ["8.0.29", "8.0.29", "8.0.29"], "7.0.26").action, "allow");
        });

        it("reproduction (issue 24 finding 5): the next series is refused while the FCV lags the running one", () => {
            // 7.0 binaries on FCV 6.0 data (an upgrade whose FCV step never ran): 8.0 would not start.
            const lagging = bootstrap.planBinaryChange(fcv("6.0"), ["7.0.26", "7.0.26", "7.0.26"], "8.0.29");
            assert.equal(lagging.action, "refuse");
            assert.match(lagging.reason, /^MongoDB 8\.0\.29 needs featureCompatibilityVersion 7\.0, and the members' FCV is still 6\.0 .*Run pulumi up once with mongodbImage unchanged/);
            assert.equal(bootstrap.planBinaryChange(fcv("6.0"), ["7.0.26", "7.0.26", "7.0.26"], "7.0.28").action, "allow", "a patch of the running series is fine");
        });
    });

    describe("run against a simulated replica set", () => {
        it("reproduction: 5 -> 3 without the opt-in fails before any reconfig, leaving the 5 voters", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(5));
            server.commands = [];
            assert.throws(() => runAgainst(server, environment(3, { MODE: "prepare" })), /5 voting members but 3 are wanted/);
            assert.ok(!server.commands.includes("replSetReconfig"));
            assert.equal(server.config!.members.length, 5);
        });

        it("5 -> 3 with the opt-in, before the pods go: two reconfigs, the primary stepped down first when it departs", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(5));
            server.primaryHost = hosts(5)[4];
            const { summary } = runAgainst(server, environment(3, { MODE: "prepare", MEMBER_REMOVAL_ALLOWED: "true" }));
            assert.deepEqual(summary.removed, [hosts(5)[3], hosts(5)[4]]);
            assert.deepEqual(server.config!.members.map((m) => m.host), hosts(3));
            assert.ok(server.commands.includes("replSetStepDown"));
            assert.ok(hosts(3).includes(server.primaryHost!), "a remaining member is primary");
        });

        it("a changed clusterDomain is refused by the bootstrap with no reconfig (was: 3 reconfigs, 6 voters)", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            server.commands = [];
            assert.throws(() => runAgainst(server, { ...environment(3), MEMBER_HOSTS: JSON.stringify(otherDomain(3)) }), /member host names changed/);
            assert.ok(!server.commands.includes("replSetReconfig"));
            assert.equal(server.config!.members.length, 3);
        });

        it("the finalize run raises the FCV after all members run 8.0 (confirm: true) and never lowers it", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            server.featureCompatibility = { version: "7.0" };
            server.binaryVersion = "7.0.26";
            runAgainst(server, environment(3));
            runAgainst(server, environment(3, { MODE: "finalize" }));
            assert.deepEqual(server.featureCompatibility, { version: "7.0" }, "7.0 binaries keep 7.0");
            server.binaryVersion = "8.0.29";
            const { summary } = runAgainst(server, environment(3, { MODE: "finalize" }));
            assert.equal(summary.featureCompatibilityVersion, "8.0");
            assert.deepEqual(server.featureCompatibility, { version: "8.0" });
        });

        it("reproduction (issue 24 finding 5): the finalize run fails while one member still runs the old series; it never completes on a wait", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            server.featureCompatibility = { version: "7.0" };
            server.binaryVersion = "7.0.26";
            runAgainst(server, environment(3));
            server.versions.set(hosts(3)[0], "8.0.29");
            assert.throws(() => runAgainst(server, environment(3, { MODE: "finalize" })), /^Error: featureCompatibilityVersion not raised: members run 8\.0\.29, 7\.0\.26, 7\.0\.26/);
            assert.deepEqual(server.featureCompatibility, { version: "7.0" });
        });

        it("one owner: the bootstrap never changes the FCV, even with every member on the new series", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            server.featureCompatibility = { version: "7.0" };
            server.binaryVersion = "8.0.29";
            const { summary } = runAgainst(server, environment(3));
            assert.equal(summary.featureCompatibilityVersion, undefined);
            assert.ok(!server.commands.includes("setFeatureCompatibilityVersion"));
        });

        it("the finalize run refuses a set that is not initiated (the bootstrap goes first)", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            assert.throws(() => runAgainst(server, environment(3, { MODE: "finalize" })), /not initiated: the bootstrap Job initiates it before the finalize Job runs/);
            assert.equal(server.config, undefined);
        });

        it("reproduction (issue 24 finding 6): a reconfig refused during an election is tried again, not the end of the Job", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            server.reconfigRefusals = [{ ok: 0, code: 10107, codeName: "NotWritablePrimary", errmsg: "not primary" },
                { ok: 0, code: 308, codeName: "CurrentConfigNotCommittedYet", errmsg: "the previous config is not committed yet" }];
            const { summary, logs } = runAgainst(server, environment(5));
            assert.deepEqual(summary.added, hosts(5).slice(3));
            assert.equal(logs.filter((l) => /replSetReconfig refused for now/.test(l)).length, 2);
            server.reconfigRefusals = [{ ok: 0, code: 103, codeName: "NewReplicaSetConfigurationIncompatible", errmsg: "bad config" }];
            assert.throws(() => runAgainst(server, environment(3, { MEMBER_REMOVAL_ALLOWED: "true" })), /replSetReconfig failed: .*NewReplicaSetConfigurationIncompatible/,
                "a refusal that will not pass still fails at once");
        });

        it("the pre-change step refuses a binary below the FCV before the StatefulSet changes", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            runAgainst(server, environment(3));
            assert.throws(() => runAgainst(server, environment(3, { MODE: "prepare", TARGET_MONGODB_VERSION: "7.0.26" })), /below the featureCompatibilityVersion 8\.0/);
        });

        it("the pre-change step on a first install (not initiated) does nothing", () => {
            const server = new SimulatedReplicaSet("rs0", "r00t/p@ss:word");
            const { summary } = runAgainst(server, environment(3, { MODE: "prepare" }));
            assert.equal(server.config, undefined);
            assert.equal(summary.initiated, false);
        });
    });
});
