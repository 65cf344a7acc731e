/*
 * Stub mongorestore: restores a real-format archive into the simulated
 * deployment, with the refusals that matter to the restore and the
 * verification:
 *   - --oplogReplay needs a user-defined role granting anyAction on
 *     anyResource (the tools documentation, mongorestore "Required Access";
 *     the built-in restore role has no applyOps, update or remove:
 *     role_graph_builtin_roles.cpp). Without it the replay fails as the real
 *     tool does: "applyOps: (Unauthorized) not authorized on admin";
 *   - writing a collection needs insert/createCollection/createIndex
 *     (the restore role or more), --drop also dropCollection;
 *   - --dryRun reads only the archive's header, as the real tool does.
 * Restoring inserts documents whose _id is absent (existing ones are kept,
 * duplicate key errors are counted, as the real tool does without --drop),
 * then merges the archive's users and roles, then replays the oplog
 * idempotently (inserts and updates upsert by _id): the order of
 * mongo-tools mongorestore/restore.go Restore (RestoreIntents,
 * RestoreUsersOrRoles, RestoreOplog).
 * Users and roles (admin.system.users, admin.system.roles) are not restored
 * as collections: a full restore (ShouldRestoreUsersAndRoles, metadata.go)
 * writes them to the temporary collections admin.tempusers/admin.temproles
 * and merges them with _mergeAuthzCollections, drop: --drop
 * (server.mergeAuthzCollections has the server's rules). Its authorization
 * is the server's: createUser, createRole, grantRole, revokeRole, and with
 * drop also dropUser and dropRole, on any normal resource, and find on the
 * temporary collections (checkAuthForTypedCommand(MergeAuthzCollectionsCommand),
 * user_management_commands_common.cpp). A session whose user the merge
 * dropped or replaced is logged out, so the oplog replay that follows fails
 * (server.errors.loggedOut).
 */
"use strict";
const fs = require("fs");
const zlib = require("zlib");
const server = require("./server");
const { parseArchive } = require("./archiveFormat");
const { parseToolArgs, connectionOptions, fail } = require("./toolOptions");

const options = parseToolArgs(process.argv.slice(2), {
    "--config": true, "--uri": true, "--oplogReplay": false, "--gzip": false, "--archive": true, "--drop": false, "--dryRun": false,
});
const { uri, password } = connectionOptions(options);
let conn;
try {
    conn = server.connect(uri, password);
} catch (error) {
    fail(`${error.codeName ? `(${error.codeName}) ` : ""}${error.message}`);
}
let bytes = fs.readFileSync(options["--archive"]);
if (options["--gzip"]) {
    try {
        bytes = zlib.gunzipSync(bytes);
    } catch (error) {
        fail(`stream or file does not appear to be in gzip format`);
    }
}
if (options["--dryRun"]) {
    if (bytes.readUInt32LE(0) !== 0x8199e26d) fail("archive prelude: stream or file does not appear to be a mongodump archive");
    console.error(`${new Date().toISOString()}\tdry run completed`);
    process.exit(0);
}
const archive = parseArchive(bytes);
const state = conn.state;
// Special intents: merged (users, roles) or only read (the auth schema version), never restored as collections.
const authz = { users: "admin.system.users", roles: "admin.system.roles", version: "admin.system.version" };
let restored = 0;
let failed = 0;
for (const [ns, docs] of Object.entries(archive.namespaces).filter(([ns]) => !Object.values(authz).includes(ns))) {
    const dot = ns.indexOf(".");
    const db = ns.slice(0, dot);
    const coll = ns.slice(dot + 1);
    try {
        const actions = ["insert", "createCollection", "createIndex", ...(options["--drop"] ? ["dropCollection"] : [])];
        server.authorize(conn, ...actions.map((action) => ({ resource: server.on.collection(ns), action })));
    } catch (error) {
        fail(`restore error: ${ns}: (${error.codeName}) ${error.message}`);
    }
    state.data[db] = state.data[db] || {};
    if (options["--drop"] || !state.data[db][coll]) state.data[db][coll] = [];
    const target = state.data[db][coll];
    for (const doc of JSON.parse(JSON.stringify(docs))) {
        if (target.some((d) => JSON.stringify(d._id) === JSON.stringify(doc._id))) {
            failed++;
        } else {
            target.push(doc);
            restored++;
        }
    }
}
if (archive.namespaces[authz.users] || archive.namespaces[authz.roles]) {
    const drop = Boolean(options["--drop"]);
    const mergeActions = ["createUser", "createRole", "grantRole", "revokeRole", ...(drop ? ["dropUser", "dropRole"] : [])];
    try {
        server.authorize(conn,
            ...["tempusers", "temproles"].flatMap((temp) => ["insert", "find"].map((action) => ({ resource: server.on.collection(`admin.${temp}`), action }))),
            ...mergeActions.map((action) => ({ resource: server.on.anyNormal(), action })));
    } catch (error) {
        fail(`restore error: error running merge command: (${error.codeName}) ${error.message}`);
    }
    for (const warning of server.mergeAuthzCollections(state, { users: archive.namespaces[authz.users], roles: archive.namespaces[authz.roles] }, drop)) {
        console.error(`${new Date().toISOString()}\t(stub) the server logs: ${warning}`);
    }
}
// Written as it goes, as the real tool's inserts and merge are: a failed replay leaves them in place.
server.save(conn.file, state);
if (options["--oplogReplay"]) {
    try {
        server.authorize(conn, { resource: server.on.any(), action: "anyAction" });
    } catch (error) {
        fail(error.loggedOut
            ? `restore error: error applying oplog: applyOps: (Unauthorized) ${error.message}`
            : `restore error: error applying oplog: applyOps: (Unauthorized) not authorized on admin to execute command { applyOps: [ ... ] } as ${conn.user}`);
    }
    for (const entry of archive.oplog) {
        server.applyOplogEntry(state.data, JSON.parse(JSON.stringify({ op: entry.op, ns: entry.ns, o: entry.o, o2: entry.o2 })));
    }
}
server.save(conn.file, state);
console.error(`${new Date().toISOString()}\t${restored} document(s) restored successfully. ${failed} document(s) failed to restore.`);
