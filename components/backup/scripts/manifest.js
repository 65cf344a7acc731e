/*
 * Per-collection document counts, run by mongosh:
 *   MANIFEST_MODE=count   COUNTS_FILE=<out>    mongosh --nodb --file manifest.js
 *   MANIFEST_MODE=compare MANIFEST_FILE=<json> mongosh --nodb --file manifest.js
 *
 * "count" writes {"<db>": {"<collection>": <documents>}} for every user
 * database; the backup runs it before and after mongodump and stores both in
 * the archive's manifest. "compare" counts a restored copy and checks it
 * against the manifest: a dump replayed to the end of its oplog holds a state
 * between the two counts, so each restored count must lie between "before"
 * and "after". The connection string is built here from environment
 * variables, so no password is ever a command argument.
 *
 * The decisions are pure functions exported for the tests. Plain ES2020 so it
 * runs unchanged in mongosh and Node.
 */
"use strict";

/** Databases that hold server state, not application data. */
const systemDatabases = ["admin", "config", "local"];

/** User databases from a `listDatabases` reply. */
function userDatabases(listDatabasesReply) {
    return (listDatabasesReply.databases || []).map((d) => d.name).filter((name) => !systemDatabases.includes(name));
}

/** Collections whose documents are counted: no views, no system collections. */
function countedCollections(collectionInfos) {
    return collectionInfos
        .filter((info) => (info.type || "collection") === "collection" && !info.name.startsWith("system."))
        .map((info) => info.name)
        .sort();
}

/**
 * Differences between restored counts and a manifest, as sentences; empty
 * when the restore matches. A collection present before and after the dump
 * must be restored; one created or dropped during the dump may be absent.
 */
function compareCounts(manifest, restored) {
    const problems = [];
    const before = manifest.before || {};
    const after = manifest.after || {};
    const databases = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(restored)]);
    for (const db of [...databases].sort()) {
        const b = before[db] || {};
        const a = after[db] || {};
        const r = restored[db] || {};
        const collections = new Set([...Object.keys(b), ...Object.keys(a), ...Object.keys(r)]);
        for (const coll of [...collections].sort()) {
            const ns = `${db}.${coll}`;
            const inBefore = coll in b;
            const inAfter = coll in a;
            if (!inBefore && !inAfter) {
                problems.push(`${ns}: restored with ${r[coll]} documents but absent from the manifest`);
                continue;
            }
            if (!(coll in r)) {
                if (inBefore && inAfter) {
                    problems.push(`${ns}: missing from the restore (manifest: ${b[coll]} before, ${a[coll]} after the dump)`);
                }
                continue;
            }
            // Created during the dump: it may hold anything from 0 to "after";
            // dropped during it: anything from 0 to "before".
            const low = inBefore && inAfter ? Math.min(b[coll], a[coll]) : 0;
            const high = inBefore && inAfter ? Math.max(b[coll], a[coll]) : inBefore ? b[coll] : a[coll];
            if (r[coll] < low || r[coll] > high) {
                const expected = low === high ? `${low}` : `${low} to ${high}`;
                problems.push(`${ns}: restored ${r[coll]} documents, manifest expects ${expected}`);
            }
        }
    }
    return problems;
}

/** The connection string from the environment; no credentials when no user is set. */
function connectionString(env) {
    const auth = env.MONGODB_USERNAME
        ? `${encodeURIComponent(env.MONGODB_USERNAME)}:${encodeURIComponent(env.MONGODB_PASSWORD || "")}@`
        : "";
    return `mongodb://${auth}${env.MONGODB_HOSTS}/?${env.MONGODB_URI_OPTIONS || ""}`;
}

/**
 * Counts every collection of every user database. `server` = {
 * listDatabases(), collectionInfos(db), countDocuments(db, collection) }.
 */
function countAll(server) {
    const counts = {};
    for (const db of userDatabases(server.listDatabases())) {
        counts[db] = {};
        for (const coll of countedCollections(server.collectionInfos(db))) {
            counts[db][coll] = server.countDocuments(db, coll);
        }
    }
    return counts;
}

if (typeof module === "object" && module.exports) {
    module.exports = { systemDatabases, userDatabases, countedCollections, compareCounts, connectionString, countAll };
}

// Under mongosh (global Mongo constructor and quit()) work against the server.
if (typeof Mongo === "function" && typeof quit === "function") {
    const fs = require("fs");
    const env = process.env;
    const client = new Mongo(connectionString(env));
    const counts = countAll({
        listDatabases: () => client.getDB("admin").adminCommand({ listDatabases: 1, nameOnly: true }),
        collectionInfos: (db) => client.getDB(db).getCollectionInfos({}, { nameOnly: false }),
        countDocuments: (db, coll) => client.getDB(db).getCollection(coll).countDocuments({}),
    });
    if (env.MANIFEST_MODE === "count") {
        fs.writeFileSync(env.COUNTS_FILE, JSON.stringify(counts));
    } else if (env.MANIFEST_MODE === "compare") {
        const problems = compareCounts(JSON.parse(fs.readFileSync(env.MANIFEST_FILE, "utf8")), counts);
        problems.forEach((problem) => print(`[verify] ${problem}`));
        const collections = Object.values(counts).reduce((sum, colls) => sum + Object.keys(colls).length, 0);
        print(`[verify] ${collections} collections compared, ${problems.length} difference(s)`);
        quit(problems.length === 0 ? 0 : 1);
    } else {
        print(`[manifest] unknown MANIFEST_MODE '${env.MANIFEST_MODE}'`);
        quit(2);
    }
}
