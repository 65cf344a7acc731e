/*
 * Stub mongodump: writes a real-format archive of the simulated deployment
 * (gzip when --gzip), with the refusals that matter to the backup:
 *   - --oplog only through a direct connection to ONE member: the collections
 *     and the oplog window must come from the same server (the tools
 *     documentation for --oplog; through a replica-set URI each operation may
 *     select another member). The real tool does not refuse this, it silently
 *     mixes members: refusing it here makes that mistake fail a test;
 *   - --oplog with --db: "--oplog mode only supported on full dumps"
 *     (mongo-tools mongodump/mongodump.go ValidateOptions);
 *   - authentication and the backup role's privileges (find on every
 *     collection and on local.oplog.rs, listDatabases).
 * Concurrent writes are simulated: the state's `duringDump` writes land after
 * the first collection is copied (so later collections see them, earlier ones
 * do not, and the oplog section holds them), `afterDump` writes after the
 * oplog end (they are not in the archive). The oplog section holds the
 * entries start <= ts <= end (mongodump/oplog_dump.go). A full dump also
 * holds admin.system.users and admin.system.roles (with each user's SCRAM
 * credentials, never a password) and admin.system.version's auth schema,
 * which the backup role may read (its find on admin's system collections).
 */
"use strict";
const fs = require("fs");
const zlib = require("zlib");
const server = require("./server");
const { writeArchive } = require("./archiveFormat");
const { parseToolArgs, connectionOptions, fail } = require("./toolOptions");

const options = parseToolArgs(process.argv.slice(2), { "--config": true, "--uri": true, "--oplog": false, "--gzip": false, "--archive": true, "--db": true });
if (options["--oplog"] && options["--db"]) fail("bad option: --oplog mode only supported on full dumps");
const { uri, password } = connectionOptions(options);
let conn;
try {
    if (options["--oplog"]) {
        const parsed = server.parseUri(uri, password);
        if (parsed.hosts.length !== 1 || parsed.options.directConnection !== "true") {
            fail(`stub rule: --oplog must dump one member through a direct connection (directConnection=true to one host), got hosts ${parsed.hosts.join(",")}`);
        }
    }
    conn = server.connect(uri, password);
    server.authorize(conn, { resource: server.on.cluster(), action: "listDatabases" }, { resource: server.on.collection("local.oplog.rs"), action: "find" });
} catch (error) {
    fail(`${error.codeName ? `(${error.codeName}) ` : ""}${error.message}`);
}
const state = conn.state;
const start = server.latestTs(state);
const namespaces = [];
let first = true;
for (const db of Object.keys(state.data).sort()) {
    for (const collection of Object.keys(state.data[db]).sort()) {
        try {
            server.authorize(conn, { resource: server.on.collection(`${db}.${collection}`), action: "find" });
        } catch (error) {
            fail(`(${error.codeName}) ${error.message}`);
        }
        namespaces.push({ db, collection, documents: JSON.parse(JSON.stringify(state.data[db][collection] || [])) });
        if (first) {
            (state.duringDump || []).forEach((op) => server.applyWrite(state, op));
            first = false;
        }
    }
}
const authz = server.authzDocuments(state);
for (const [collection, documents] of [["system.users", authz.users], ["system.roles", authz.roles], ["system.version", [{ _id: "authSchema", currentVersion: 5 }]]]) {
    try {
        server.authorize(conn, { resource: server.on.collection(`admin.${collection}`), action: "find" });
    } catch (error) {
        fail(`(${error.codeName}) ${error.message}`);
    }
    namespaces.push({ db: "admin", collection, documents });
}
const end = server.latestTs(state);
const oplog = state.oplog.filter((e) => server.compareTs(e.ts, start) >= 0 && server.compareTs(e.ts, end) <= 0);
(state.afterDump || []).forEach((op) => server.applyWrite(state, op));
state.duringDump = [];
state.afterDump = [];
server.save(conn.file, state);

const { Timestamp } = require("bson");
const archive = writeArchive({
    namespaces,
    oplog: oplog.map((e) => ({ ts: new Timestamp({ t: e.ts.t, i: e.ts.i }), op: e.op, ns: e.ns, o: e.o, ...(e.o2 ? { o2: e.o2 } : {}) })),
    corrupt: process.env.STUB_CORRUPT_NAMESPACE ? { namespace: process.env.STUB_CORRUPT_NAMESPACE, byte: 20 } : undefined,
});
fs.writeFileSync(options["--archive"], options["--gzip"] ? zlib.gzipSync(archive) : archive);
console.error(`${new Date().toISOString()}\tdone dumping (${namespaces.length} collections, ${oplog.length} oplog entries)`);
