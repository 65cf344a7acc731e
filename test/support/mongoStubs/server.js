/*
 * A simulated MongoDB deployment for the stub tools (mongosh, mongodump,
 * mongorestore, mongod) that the backup scripts run in the tests. It is not a
 * database; it is the set of refusals a real one gives, so that a script that
 * would fail against MongoDB fails here too. Each rule names its source.
 *
 * A deployment is a JSON file (state); STUB_SERVERS names a registry file
 * mapping "host:port" to state files. State:
 *   { auth, setName, members: { host: { state: PRIMARY|SECONDARY|DOWN|STANDALONE, lagSeconds } },
 *     users: { "admin.<name>": { pwd | credentials, roles: [{ role, db }], userId? } },
 *     roles: { "admin.<name>": { privileges, roles } },
 *     data: { db: { coll: [documents with _id] } },
 *     oplog: [{ ts: { t, i }, op, ns, o, o2 }], history: [{ ts, counts }],
 *     snapshotHistoryStart: { t, i } | null,
 *     duringDump: [ops], afterDump: [ops] }
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
// test/support/mongoPrivileges.ts, pre-transpiled for plain `node` (see privileges.js).
const privileges = require("./privileges");

class MongoServerError extends Error {
    constructor(code, codeName, message) {
        super(message);
        this.code = code;
        this.codeName = codeName;
    }
}

// src/mongo/base/error_codes.yml
const errors = {
    unauthorized: (what) => new MongoServerError(13, "Unauthorized", `not authorized on ${what}`),
    authenticationFailed: () => new MongoServerError(18, "AuthenticationFailed", "Authentication failed."),
    roleNotFound: (role) => new MongoServerError(31, "RoleNotFound", `Could not find role: ${role}`),
    snapshotTooOld: () => new MongoServerError(239, "SnapshotTooOld", "Read timestamp is older than the oldest available timestamp."),
    userExists: (user) => new MongoServerError(51003, "Location51003", `User "${user}" already exists`),
    userNotFound: (user) => new MongoServerError(11, "UserNotFound", `User '${user}@admin' not found`),
    // A session whose user was dropped or replaced (another userId) is logged out at its next command:
    // AuthorizationSessionImpl::_refreshUserInfoAsNeeded, UserNotFound -> clearUser (server log 20245).
    loggedOut: (user) => Object.assign(new MongoServerError(13, "Unauthorized", `command requires authentication (user ${user} was dropped or replaced since this session logged in)`), { loggedOut: true }),
    roleExists: (role) => new MongoServerError(51002, "Location51002", `Role "${role}" already exists`),
};

function registry() {
    return fs.existsSync(process.env.STUB_SERVERS) ? JSON.parse(fs.readFileSync(process.env.STUB_SERVERS, "utf8")) : {};
}

function register(host, stateFile) {
    fs.writeFileSync(process.env.STUB_SERVERS, JSON.stringify({ ...registry(), [host]: stateFile }));
}

function unregister(host) {
    const hosts = registry();
    delete hosts[host];
    fs.writeFileSync(process.env.STUB_SERVERS, JSON.stringify(hosts));
}

const load = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const save = (file, state) => fs.writeFileSync(file, JSON.stringify(state, null, 1));

/**
 * mongodb:// URIs. The connection string spec (and the Node driver's
 * connection_string.ts) refuses directConnection=true with more than one host.
 */
function parseUri(uri, password) {
    const match = /^mongodb:\/\/(?:([^:@]*)(?::([^@]*))?@)?([^/?]+)\/?([^?]*)(?:\?(.*))?$/.exec(uri);
    if (!match) {
        throw new Error(`MongoParseError: invalid connection string '${uri.replace(/:[^:@/]*@/, ":***@")}'`);
    }
    const options = Object.fromEntries((match[5] || "").split("&").filter(Boolean).map((kv) => kv.split("=").map(decodeURIComponent)));
    const hosts = match[3].split(",");
    if (options.directConnection === "true" && hosts.length !== 1) {
        throw new Error("MongoParseError: directConnection option requires exactly one host");
    }
    return {
        user: match[1] ? decodeURIComponent(match[1]) : null,
        password: match[2] !== undefined ? decodeURIComponent(match[2]) : password,
        hosts,
        options,
    };
}

/**
 * SCRAM credentials as admin.system.users stores them: a salt and keys
 * derived from the password, never the password itself (SCRAM-SHA-256,
 * RFC 7677; src/mongo/crypto/mechanism_scram.h). The stub derives its keys
 * with one SHA-256 instead of PBKDF2: what it keeps of SCRAM is that a dumped
 * and restored user keeps the password it had when dumped, and that the
 * password cannot be read back to create the user again.
 */
function scramCredentials(pwd, salt = crypto.randomBytes(16).toString("base64")) {
    const key = (purpose) => crypto.createHash("sha256").update(`${purpose}:${salt}:${pwd}`).digest("base64");
    return { "SCRAM-SHA-256": { iterationCount: 15000, salt, storedKey: key("stored"), serverKey: key("server") } };
}

/** A user record created in this state holds `pwd`; one restored from an archive holds only `credentials`. */
function passwordMatches(record, password) {
    if (record.pwd !== undefined) {
        return record.pwd === password;
    }
    const scram = record.credentials && record.credentials["SCRAM-SHA-256"];
    return Boolean(scram) && password !== undefined && scramCredentials(password, scram.salt)["SCRAM-SHA-256"].storedKey === scram.storedKey;
}

/** Opens a connection: the member it reaches, authenticated as the URI's user. */
function connect(uri, password) {
    const parsed = parseUri(uri, password);
    const known = registry();
    const file = parsed.hosts.map((h) => known[h]).find(Boolean);
    if (!file) {
        throw new Error(`MongoServerSelectionError: connect ECONNREFUSED ${parsed.hosts.join(",")}`);
    }
    const state = load(file);
    let member;
    if (parsed.options.directConnection === "true" || !state.setName) {
        member = parsed.hosts[0];
    } else {
        if (parsed.options.replicaSet !== state.setName) {
            throw new Error(`MongoServerSelectionError: no member of replica set '${parsed.options.replicaSet}'`);
        }
        member = Object.keys(state.members).find((h) => state.members[h].state === "PRIMARY");
    }
    if (!member || !state.members[member] || state.members[member].state === "DOWN") {
        throw new Error(`MongoServerSelectionError: connect ECONNREFUSED ${member || parsed.hosts.join(",")}`);
    }
    let user = null;
    let userId;
    if (parsed.user) {
        const record = state.users[`admin.${parsed.user}`];
        if (!record || !passwordMatches(record, parsed.password)) {
            throw errors.authenticationFailed();
        }
        user = parsed.user;
        userId = record.userId;
    }
    return { file, state, member, user, userId, local: /^(127\.0\.0\.1|localhost):/.test(member) };
}

/** True while the session's user still exists as the user it logged in as (reacquireUser compares the userId). */
function sessionValid(conn) {
    const record = conn.user && conn.state.users[`admin.${conn.user}`];
    return !conn.user || (Boolean(record) && record.userId === conn.userId);
}

/** The user's privileges: MongoDB's built-in roles and the deployment's user-defined ones (test/support/mongoPrivileges.ts). */
function privilegesOfUser(state, user) {
    const userDefined = Object.entries(state.roles).map(([id, r]) => ({ role: id.slice(id.indexOf(".") + 1), db: id.slice(0, id.indexOf(".")), ...r }));
    return privileges.privilegesOf((state.users[`admin.${user}`] || { roles: [] }).roles, userDefined);
}

function roleExists(state, role, db) {
    const userDefined = Object.keys(state.roles).map((id) => ({ role: id.slice(id.indexOf(".") + 1), db: id.slice(0, id.indexOf(".")), privileges: [], roles: [] }));
    return privileges.roleExists({ role, db }, userDefined);
}

/** Shorthands for the resources the stubs check. */
const on = {
    cluster: () => ({ cluster: true }),
    any: () => ({ anyResource: true }),
    database: (db) => ({ db, collection: "" }),
    anyNormal: () => ({ db: "", collection: "" }),
    collection: (ns) => ({ db: ns.slice(0, ns.indexOf(".")), collection: ns.slice(ns.indexOf(".") + 1) }),
};

/**
 * Refuses a need the connection does not hold (Unauthorized, 13). With
 * authentication on and no user defined yet, an unauthenticated localhost
 * client holds only the localhost exception's privileges (create the first
 * user and grant it roles in admin: AuthorizationSessionImpl in
 * src/mongo/db/auth/authorization_session_impl.cpp, modelled in
 * test/support/mongoPrivileges.ts); without a user nothing else is allowed.
 */
function authorize(conn, ...needs) {
    const { state } = conn;
    if (!state.auth) return;
    let held;
    if (conn.user && !sessionValid(conn)) {
        throw errors.loggedOut(conn.user);
    } else if (conn.user) {
        held = privilegesOfUser(state, conn.user);
    } else if (conn.local && Object.keys(state.users).length === 0 && Object.keys(state.roles).length === 0) {
        held = privileges.localhostExceptionPrivileges;
    } else {
        throw errors.unauthorized(`${privileges.describeNeed(needs[0])}: command requires authentication`);
    }
    const lacking = privileges.missing(held, needs);
    if (lacking.length) {
        throw errors.unauthorized(`${privileges.describeNeed(lacking[0])} as ${conn.user || "an unauthenticated localhost client"}`);
    }
}

const compareTs = (a, b) => (a.t !== b.t ? a.t - b.t : a.i - b.i);

function countsOf(data) {
    return Object.fromEntries(Object.entries(data).map(([db, colls]) => [db, Object.fromEntries(Object.entries(colls).map(([c, docs]) => [c, docs.length]))]));
}

function latestTs(state) {
    return state.oplog[state.oplog.length - 1].ts;
}

/** Applies one write as the primary would, with the next timestamp, and records the oplog entry and counts. */
function applyWrite(state, op) {
    const last = latestTs(state);
    const ts = { t: last.t + 1, i: 1 };
    applyOplogEntry(state.data, op);
    state.oplog.push({ ...op, ts });
    state.history.push({ ts, counts: countsOf(state.data) });
    return ts;
}

/** Idempotent oplog application, as mongorestore --oplogReplay's applyOps does: inserts and updates upsert by _id. */
function applyOplogEntry(data, entry) {
    if (entry.op === "n") return;
    const dot = entry.ns.indexOf(".");
    const db = entry.ns.slice(0, dot);
    const coll = entry.ns.slice(dot + 1);
    data[db] = data[db] || {};
    if (entry.op === "c") {
        if (entry.o.drop) delete data[db][entry.o.drop];
        if (entry.o.create) data[db][entry.o.create] = data[db][entry.o.create] || [];
        return;
    }
    const docs = (data[db][coll] = data[db][coll] || []);
    const id = JSON.stringify(entry.op === "u" ? entry.o2._id : entry.o._id);
    const index = docs.findIndex((d) => JSON.stringify(d._id) === id);
    if (entry.op === "d") {
        if (index >= 0) docs.splice(index, 1);
    } else if (index >= 0) {
        docs[index] = entry.op === "u" ? { ...entry.o, _id: entry.o2._id } : entry.o;
    } else {
        docs.push(entry.op === "u" ? { ...entry.o, _id: entry.o2._id } : entry.o);
    }
}

function memberLastWrite(state, member) {
    const ts = latestTs(state);
    return { t: ts.t - (state.members[member].lagSeconds || 0), i: ts.i };
}

/** The commands the scripts send through mongosh. */
function runCommand(conn, dbName, command) {
    const { state } = conn;
    const name = Object.keys(command)[0];
    switch (name) {
        case "hello": {
            const m = state.members[conn.member];
            if (!state.setName) return { ok: 1, isWritablePrimary: true };
            return {
                ok: 1,
                setName: state.setName,
                isWritablePrimary: m.state === "PRIMARY",
                secondary: m.state === "SECONDARY",
                lastWrite: { opTime: { ts: memberLastWrite(state, conn.member), t: 1 } },
            };
        }
        case "ping":
            return { ok: 1 };
        case "listDatabases":
            authorize(conn, { resource: on.cluster(), action: "listDatabases" });
            return { ok: 1, databases: Object.keys(state.data).map((n) => ({ name: n })) };
        case "listCollections":
            authorize(conn, { resource: on.database(dbName), action: "listCollections" });
            return { ok: 1, cursor: { firstBatch: Object.keys(state.data[dbName] || {}).map((n) => ({ name: n, type: "collection" })) } };
        case "aggregate": {
            authorize(conn, { resource: on.collection(`${dbName}.${command.aggregate}`), action: "find" });
            if (JSON.stringify(command.pipeline) !== JSON.stringify([{ $count: "n" }])) {
                throw new Error(`stub: only [{$count: "n"}] is simulated, got ${JSON.stringify(command.pipeline)}`);
            }
            let counts = countsOf(state.data);
            const rc = command.readConcern;
            if (rc && rc.level === "snapshot") {
                const at = rc.atClusterTime;
                if (state.snapshotHistoryStart && compareTs(at, state.snapshotHistoryStart) < 0) throw errors.snapshotTooOld();
                const known = state.history.filter((h) => compareTs(h.ts, at) <= 0);
                if (!known.length) throw errors.snapshotTooOld();
                counts = known[known.length - 1].counts;
            }
            const n = (counts[dbName] || {})[command.aggregate] || 0;
            return { ok: 1, cursor: { firstBatch: n ? [{ n }] : [] } };
        }
        case "createUser": {
            authorize(conn, ...privileges.createUserNeeds(dbName, command.roles));
            for (const r of command.roles) {
                if (!roleExists(state, r.role, r.db)) throw errors.roleNotFound(`${r.role}@${r.db}`);
            }
            if (`admin.${command.createUser}` in state.users) throw errors.userExists(command.createUser);
            state.users[`admin.${command.createUser}`] = { pwd: command.pwd, roles: command.roles };
            save(conn.file, state);
            return { ok: 1 };
        }
        case "createRole": {
            authorize(conn, ...privileges.createRoleNeeds({ role: command.createRole, db: dbName, privileges: command.privileges, roles: command.roles }));
            if (`admin.${command.createRole}` in state.roles) throw errors.roleExists(command.createRole);
            for (const r of command.roles) {
                if (!roleExists(state, r.role, r.db)) throw errors.roleNotFound(`${r.role}@${r.db}`);
            }
            state.roles[`admin.${command.createRole}`] = { privileges: command.privileges, roles: command.roles };
            save(conn.file, state);
            return { ok: 1 };
        }
        case "usersInfo": {
            // usersInfo: 1 lists the users of the command's database (UsersInfoCommand, user_management_commands.cpp);
            // viewUser on that database (checkAuthForTypedCommand(UsersInfoCommand)).
            authorize(conn, { resource: on.database(dbName), action: "viewUser" });
            if (command.usersInfo !== 1) throw new Error(`stub: only usersInfo: 1 is simulated, got ${JSON.stringify(command.usersInfo)}`);
            const users = Object.entries(state.users).filter(([id]) => id.startsWith(`${dbName}.`))
                .map(([id, r]) => ({ _id: id, user: id.slice(dbName.length + 1), db: dbName, roles: r.roles, mechanisms: ["SCRAM-SHA-256"] }));
            return { ok: 1, users };
        }
        case "dropUser": {
            // dropUser on the user's database; UserNotFound (11) for a user that does not exist.
            authorize(conn, { resource: on.database(dbName), action: "dropUser" });
            if (!(`${dbName}.${command.dropUser}` in state.users)) throw errors.userNotFound(command.dropUser);
            delete state.users[`${dbName}.${command.dropUser}`];
            save(conn.file, state);
            return { ok: 1 };
        }
        case "drop": {
            // dropCollection on the namespace; since MongoDB 7.0 dropping a collection that does not
            // exist is a no-op that answers ok (SERVER-43894). A drop is replicated: it has an oplog entry.
            authorize(conn, { resource: on.collection(`${dbName}.${command.drop}`), action: "dropCollection" });
            if (state.data[dbName] && command.drop in state.data[dbName]) {
                applyWrite(state, { op: "c", ns: `${dbName}.$cmd`, o: { drop: command.drop } });
                save(conn.file, state);
            }
            return { ok: 1 };
        }
        default:
            throw new Error(`stub: command ${name} is not simulated`);
    }
}

const splitId = (id) => [id.slice(0, id.indexOf(".")), id.slice(id.indexOf(".") + 1)];

/**
 * admin.system.users and admin.system.roles as a full mongodump copies them
 * (mongo-tools mongodump dumps the admin database's auth collections): users
 * with their SCRAM credentials, never a password.
 */
function authzDocuments(state) {
    return {
        users: Object.entries(state.users).map(([id, r]) => {
            const [db, user] = splitId(id);
            return { _id: id, ...(r.userId ? { userId: r.userId } : {}), user, db, credentials: r.credentials || scramCredentials(r.pwd), roles: r.roles };
        }),
        roles: Object.entries(state.roles).map(([id, r]) => {
            const [db, role] = splitId(id);
            return { _id: id, role, db, privileges: r.privileges, roles: r.roles };
        }),
    };
}

/**
 * _mergeAuthzCollections { db: "" (every database), drop } as mongorestore
 * sends it for a full restore (mongo-tools mongorestore/metadata.go
 * RestoreUsersOrRoles; "drop" is --drop), following the server
 * (src/mongo/db/commands/user_management_commands.cpp _processUsers,
 * _processRoles, _addUser, _addRole; jstests/auth/mergeAuthCollsCommand.js):
 *  - drop: true: every live user/role the archive also holds is overwritten
 *    with the archive's document (updatePrivilegeDocument), the archive's
 *    others are inserted, and every live one the archive lacks is removed:
 *    only the archive's survive;
 *  - drop: false: each archived user/role is inserted; one whose name exists
 *    live fails with a duplicate key, which is logged and skipped ("Could not
 *    insert user during _mergeAuthzCollections command"), so live ones keep
 *    their credentials and definitions and nothing is removed.
 * `users`/`roles` undefined: the archive has no such collection, which is left alone.
 * Returns the warnings the server would log.
 */
function mergeAuthzCollections(state, { users, roles }, drop) {
    const warnings = [];
    const merge = (live, documents, recordOf, kind) => {
        if (documents === undefined) return;
        const toDrop = new Set(drop ? Object.keys(live) : []);
        for (const doc of documents) {
            if (drop && toDrop.has(doc._id)) {
                live[doc._id] = recordOf(doc);
            } else if (doc._id in live) {
                warnings.push(`Could not insert ${kind} during _mergeAuthzCollections command: ${doc._id}: E11000 duplicate key error`);
            } else {
                live[doc._id] = recordOf(doc);
            }
            toDrop.delete(doc._id);
        }
        toDrop.forEach((id) => delete live[id]);
    };
    merge(state.users, users, (d) => ({ credentials: d.credentials, roles: d.roles, ...(d.userId ? { userId: d.userId } : {}) }), "user");
    merge(state.roles, roles, (d) => ({ privileges: d.privileges, roles: d.roles }), "role");
    return warnings;
}

/** A fresh replica set: members by host, an initial no-op oplog entry, the users the bootstrap creates. */
function replicaSetState({ hosts, users, roles, data, now = 1764381600 }) {
    const state = {
        auth: true,
        setName: "rs0",
        members: Object.fromEntries(hosts.map((h, index) => [h, { state: index === 0 ? "PRIMARY" : "SECONDARY", lagSeconds: 0 }])),
        users,
        roles,
        data,
        oplog: [{ ts: { t: now, i: 1 }, op: "n", ns: "", o: { msg: "initiating set" } }],
        history: [],
        snapshotHistoryStart: null,
        duringDump: [],
        afterDump: [],
    };
    state.history.push({ ts: state.oplog[0].ts, counts: countsOf(data) });
    return state;
}

module.exports = {
    MongoServerError, errors, registry, register, unregister, load, save, parseUri, connect, authorize, on, runCommand, applyWrite, applyOplogEntry, countsOf, latestTs, compareTs, replicaSetState,
    scramCredentials, passwordMatches, sessionValid, authzDocuments, mergeAuthzCollections,
};
