/*
 * Replica-set bootstrap, run by mongosh in a one-off Job:
 *   mongosh --nodb --quiet --file bootstrap.js
 *
 * It is idempotent: every run reads the server's state and only does what is
 * missing. Initiate the set once with every member by DNS name, add members
 * the config lacks (one voting member per reconfig, as MongoDB requires), wait
 * for a writable primary, create or update the user-defined roles and then the
 * users that hold them, and make majority the default write concern.
 *
 * Credentials come from environment variables filled from a Secret; the
 * connection string is built here so no password is ever a command argument.
 *
 * The decisions are pure functions exported for the tests; `run` takes its
 * side effects (connect, sleep, log) as arguments so tests can drive it with a
 * simulated server. Plain ES2020 so it runs unchanged in mongosh and Node.
 */
"use strict";

/** Server error codes the bootstrap distinguishes (src/mongo/base/error_codes.yml). */
const codes = {
    AlreadyInitialized: 23,
    NotYetInitialized: 94,
    Unauthorized: 13,
    AuthenticationFailed: 18,
    // createUser/updateUser naming a role that does not exist (rolesExist in
    // src/mongo/db/auth/authorization_backend_local.cpp): roles go first.
    RoleNotFound: 31,
};

/**
 * What to do given a `replSetGetStatus` reply from the seed member.
 * Returns { action: "initiate", config } | { action: "reconcile" } | { action: "fail", reason }.
 */
function planInitiation(statusReply, replicaSetName, hosts) {
    if (statusReply && statusReply.ok === 1) {
        if (statusReply.set !== replicaSetName) {
            return { action: "fail", reason: `member belongs to replica set '${statusReply.set}', expected '${replicaSetName}'` };
        }
        return { action: "reconcile" };
    }
    const code = statusReply && statusReply.code;
    if (code === codes.NotYetInitialized) {
        return { action: "initiate", config: initialConfig(replicaSetName, hosts) };
    }
    if (code === codes.Unauthorized || code === codes.AuthenticationFailed) {
        return { action: "fail", reason: "the root user was refused: check the users Secret against the member's data volume" };
    }
    return { action: "fail", reason: `unexpected replSetGetStatus reply: ${JSON.stringify(statusReply)}` };
}

/** The first config: every member votes, member 0 is preferred as primary. */
function initialConfig(replicaSetName, hosts) {
    return {
        _id: replicaSetName,
        members: hosts.map((host, index) => ({ _id: index, host, priority: index === 0 ? 2 : 1 })),
    };
}

/** An initiate that lost a race with another run is still a success. */
function initiateSucceeded(reply) {
    return reply.ok === 1 || reply.code === codes.AlreadyInitialized;
}

/**
 * The next reconfig, given the current config (`replSetGetConfig().config`).
 * Adds the first missing member only: MongoDB refuses to add more than one
 * voting member per reconfig. Members not in `hosts` are reported, never
 * removed: shrinking a set is a deliberate operator action.
 */
function planMembers(currentConfig, hosts) {
    const present = currentConfig.members.map((m) => m.host);
    const missing = hosts.filter((host) => !present.includes(host));
    const extra = present.filter((host) => !hosts.includes(host));
    if (missing.length === 0) {
        return { action: "none", extra };
    }
    const nextId = Math.max(-1, ...currentConfig.members.map((m) => m._id)) + 1;
    const config = {
        ...currentConfig,
        version: currentConfig.version + 1,
        members: [...currentConfig.members, { _id: nextId, host: missing[0], priority: 1 }],
    };
    return { action: "add", host: missing[0], config, remaining: missing.length - 1, extra };
}

/** True when a `hello` reply comes from a primary that accepts writes. */
function isWritablePrimary(helloReply) {
    return Boolean(helloReply && helloReply.ok === 1 && helloReply.isWritablePrimary);
}

/**
 * Which users to create and which to update, given `usersInfo` output of the
 * admin database and the desired users ({ user, pwd, roles }). Existing users
 * are updated so a rotated Secret and the database agree again; updateUser
 * replaces the roles, so a narrowed grant reaches existing users too.
 */
function planUsers(usersInfoReply, desired) {
    const existing = new Set((usersInfoReply.users || []).map((u) => `${u.db}.${u.user}`));
    return desired.map((user) => ({
        command: existing.has(`admin.${user.user}`) ? "updateUser" : "createUser",
        user,
    }));
}

/** A role reference as the server stores it: a bare name means a role of the same database. */
function roleKey(reference, db) {
    return typeof reference === "string" ? `${db}.${reference}` : `${reference.db}.${reference.role}`;
}

/**
 * A role definition in a form that compares equal whatever order the server
 * returns it in: privileges merged per resource (the server merges them the
 * same way, Privilege::addPrivilegeToPrivilegeVector), actions and roles sorted.
 */
function canonicalRole(definition) {
    const sortedKeys = (value) => JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
    const actionsByResource = new Map();
    for (const privilege of definition.privileges || []) {
        const resource = sortedKeys(privilege.resource);
        const actions = actionsByResource.get(resource) || new Set();
        privilege.actions.forEach((action) => actions.add(action));
        actionsByResource.set(resource, actions);
    }
    const privileges = [...actionsByResource.entries()]
        .map(([resource, actions]) => `${resource}:${[...actions].sort().join(",")}`)
        .sort();
    const roles = (definition.roles || []).map((reference) => roleKey(reference, definition.db)).sort();
    return JSON.stringify({ privileges, roles });
}

/**
 * createRole for a missing role, updateRole (which replaces privileges and
 * roles) for one whose definition differs, nothing for one already right.
 * `rolesInfoReply` is the reply to { rolesInfo: [...], showPrivileges: true }:
 * a role that does not exist is simply absent from `roles`
 * (getRolesDescription in src/mongo/db/auth/authorization_backend_local.cpp).
 */
function planRoles(rolesInfoReply, desiredRoles) {
    const existing = new Map((rolesInfoReply.roles || []).map((r) => [`${r.db}.${r.role}`, r]));
    const steps = [];
    for (const role of desiredRoles) {
        const current = existing.get(`${role.db}.${role.role}`);
        if (!current) {
            steps.push({ command: "createRole", role });
        } else if (canonicalRole(current) !== canonicalRole(role)) {
            steps.push({ command: "updateRole", role });
        }
    }
    return steps;
}

/**
 * The user-defined roles, from RESTORE_ROLE: the JSON text of
 * components/mongodb/restoreRole.json, the one definition the backup
 * verification also creates in its scratch mongod.
 */
function desiredRoles(env) {
    let definition;
    try {
        definition = JSON.parse(env.RESTORE_ROLE);
    } catch (error) {
        throw new Error(`RESTORE_ROLE must be the JSON of the restore role definition (components/mongodb/restoreRole.json): ${error.message}`);
    }
    if (!definition || typeof definition.role !== "string" || !Array.isArray(definition.privileges) || !Array.isArray(definition.roles)) {
        throw new Error("RESTORE_ROLE must be a createRole definition: { role: <name>, privileges: [...], roles: [...] }");
    }
    return [{ role: definition.role, db: "admin", privileges: definition.privileges, roles: definition.roles }];
}

/** The users the platform needs, from the environment of the Job. */
function desiredUsers(env) {
    const [restoreRole] = desiredRoles(env);
    return [
        {
            user: env.APP_USERNAME,
            pwd: env.APP_PASSWORD,
            roles: [{ role: "readWrite", db: env.APP_DATABASE }],
        },
        {
            user: env.BACKUP_USERNAME,
            pwd: env.BACKUP_PASSWORD,
            // mongodump --oplog and the per-collection counts: read-only.
            roles: [{ role: "backup", db: "admin" }],
        },
        {
            user: env.RESTORE_USERNAME,
            pwd: env.RESTORE_PASSWORD,
            // mongorestore --oplogReplay needs anyAction on anyResource (mongorestore
            // "Required Access"); only the restore and the verification use this user.
            roles: [{ role: restoreRole.role, db: restoreRole.db }],
        },
        {
            user: env.MONITORING_USERNAME,
            pwd: env.MONITORING_PASSWORD,
            // The exporter: serverStatus, replSetGetStatus, getCmdLineOpts,
            // getDiagnosticData (which also needs collStats on local.oplog.rs);
            // clusterMonitor grants all of them and no access to the chat data.
            roles: [{ role: "clusterMonitor", db: "admin" }],
        },
    ];
}

function connectionString(env, hosts, options) {
    const credentials = `${encodeURIComponent(env.ROOT_USERNAME)}:${encodeURIComponent(env.ROOT_PASSWORD)}`;
    return `mongodb://${credentials}@${hosts.join(",")}/admin?authSource=admin&${options}`;
}

function check(reply, what) {
    if (reply.ok !== 1) {
        throw new Error(`${what} failed: ${JSON.stringify(reply)}`);
    }
    return reply;
}

/**
 * The bootstrap itself. `io` = { connect(uri) -> db-like with runCommand,
 * sleep(ms), log(text) }. Returns a summary of what it did.
 */
function run(env, io) {
    const hosts = JSON.parse(env.MEMBER_HOSTS);
    const attempts = Number(env.WAIT_ATTEMPTS || 120);
    const done = { initiated: false, added: [], rolesCreated: [], rolesUpdated: [], created: [], updated: [], extra: [] };

    const retry = (what, fn) => {
        for (let attempt = 1; ; attempt++) {
            try {
                const value = fn();
                if (value !== undefined) {
                    return value;
                }
            } catch (error) {
                if (attempt >= attempts) {
                    throw error;
                }
            }
            if (attempt >= attempts) {
                throw new Error(`gave up waiting for ${what} after ${attempts} attempts`);
            }
            io.sleep(2000);
        }
    };

    io.log(`seed member ${hosts[0]}`);
    const seed = retry("the seed member", () => io.connect(connectionString(env, [hosts[0]], "directConnection=true")));
    const status = retry("the seed member's status", () => seed.runCommand({ replSetGetStatus: 1 }));
    const plan = planInitiation(status, env.REPLICA_SET_NAME, hosts);
    if (plan.action === "fail") {
        throw new Error(plan.reason);
    }
    if (plan.action === "initiate") {
        io.log(`initiating ${env.REPLICA_SET_NAME} with ${hosts.join(", ")}`);
        const reply = seed.runCommand({ replSetInitiate: plan.config });
        if (!initiateSucceeded(reply)) {
            throw new Error(`replSetInitiate failed: ${JSON.stringify(reply)}`);
        }
        done.initiated = reply.ok === 1;
    }

    const primary = retry("a writable primary", () => {
        const db = io.connect(connectionString(env, hosts, `replicaSet=${encodeURIComponent(env.REPLICA_SET_NAME)}`));
        return isWritablePrimary(db.runCommand({ hello: 1 })) ? db : undefined;
    });

    for (;;) {
        const config = check(primary.runCommand({ replSetGetConfig: 1 }), "replSetGetConfig").config;
        const step = planMembers(config, hosts);
        done.extra = step.extra;
        if (step.action === "none") {
            break;
        }
        io.log(`adding member ${step.host}`);
        check(primary.runCommand({ replSetReconfig: step.config }), "replSetReconfig");
        done.added.push(step.host);
    }
    if (done.extra.length > 0) {
        io.log(`members not in the desired list are left in place: ${done.extra.join(", ")}`);
    }

    // Roles before users: createUser with a role that does not exist answers RoleNotFound.
    const roles = desiredRoles(env);
    const rolesInfo = check(primary.runCommand({ rolesInfo: roles.map(({ role, db }) => ({ role, db })), showPrivileges: true }), "rolesInfo");
    for (const step of planRoles(rolesInfo, roles)) {
        const { role, privileges } = step.role;
        check(primary.runCommand({ [step.command]: role, privileges, roles: step.role.roles }), step.command);
        (step.command === "createRole" ? done.rolesCreated : done.rolesUpdated).push(role);
    }

    const usersInfo = check(primary.runCommand({ usersInfo: 1 }), "usersInfo");
    for (const step of planUsers(usersInfo, desiredUsers(env))) {
        const { user, pwd, roles } = step.user;
        const body = step.command === "createUser" ? { createUser: user, pwd, roles } : { updateUser: user, pwd, roles };
        check(primary.runCommand(body), step.command);
        (step.command === "createUser" ? done.created : done.updated).push(user);
    }

    check(primary.runCommand({ setDefaultRWConcern: 1, defaultWriteConcern: { w: "majority" } }), "setDefaultRWConcern");
    io.log(`bootstrap complete: ${JSON.stringify(done)}`);
    return done;
}

if (typeof module === "object" && module.exports) {
    module.exports = { codes, planInitiation, initialConfig, initiateSucceeded, planMembers, isWritablePrimary, planUsers, planRoles, canonicalRole, desiredRoles, desiredUsers, run };
}

// Under mongosh (which has a global Mongo constructor and no `require.main`
// pointing at a test runner) run against the real servers.
if (typeof Mongo === "function" && typeof sleep === "function") {
    // mongosh throws on { ok: 0 }; the decisions above expect the reply.
    const replyOrThrow = (db, command) => {
        try {
            return db.runCommand(command);
        } catch (error) {
            if (typeof error.code === "number") {
                return { ok: 0, code: error.code, codeName: error.codeName, errmsg: error.message };
            }
            throw error;
        }
    };
    run(process.env, {
        connect: (uri) => {
            const db = new Mongo(uri).getDB("admin");
            return { runCommand: (command) => replyOrThrow(db, command) };
        },
        sleep: (ms) => sleep(ms),
        log: (text) => print(`[bootstrap] ${text}`),
    });
}
