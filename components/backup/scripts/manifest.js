/*
 * Per-collection document counts, run by mongosh:
 *   MANIFEST_MODE=count   COUNTS_FILE=<out> ARCHIVE_REPORT=<json> MEMBER_FILE=<json>  mongosh --nodb --file manifest.js
 *   MANIFEST_MODE=compose MANIFEST_OUT=<out> (the files above, ARCHIVE_NAME, ...)   mongosh --nodb --file manifest.js
 *   MANIFEST_MODE=compare MANIFEST_FILE=<json>                                       mongosh --nodb --file manifest.js
 *
 * A dump taken with --oplog and restored with --oplogReplay holds exactly the
 * state of the dumped member at the dump's last oplog entry (mongodump copies
 * the oplog up to the newest entry it saw after the collections:
 * mongo-tools mongodump/oplog_dump.go). "count" reads that state from the same
 * member with a snapshot read at that timestamp (readConcern "snapshot" with
 * atClusterTime, allowed outside transactions for aggregate since MongoDB
 * 5.0), so the manifest's counts are exact for the archive. "compare" counts a
 * restored copy and reports every collection whose count differs.
 *
 * The connection string is built here from environment variables, so no
 * password is ever a command argument. Pure functions are exported for the
 * tests. Plain ES2020 so it runs unchanged in mongosh and Node.
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
 * Differences between the counts a restore must give and the restored ones,
 * as sentences; empty when they agree exactly. A collection with no documents
 * may be absent on either side (an empty collection and no collection restore
 * the same data).
 */
function compareCounts(expected, restored) {
    const problems = [];
    const databases = new Set([...Object.keys(expected), ...Object.keys(restored)]);
    for (const db of [...databases].sort()) {
        const e = expected[db] || {};
        const r = restored[db] || {};
        for (const coll of [...new Set([...Object.keys(e), ...Object.keys(r)])].sort()) {
            const want = e[coll] || 0;
            const got = r[coll] || 0;
            if (want !== got) {
                problems.push(`${db}.${coll}: restored ${got} documents, the archive holds ${want}`);
            }
        }
    }
    return problems;
}

/** Sum of every count. */
function totalDocuments(counts, database) {
    const dbs = database === undefined ? Object.keys(counts) : [database];
    return dbs.reduce((sum, db) => sum + Object.values(counts[db] || {}).reduce((a, n) => a + n, 0), 0);
}

/**
 * The point in time a restore of the archive reaches: the last oplog entry
 * the archive holds, or, when it holds none (no write during the dump), the
 * member's last write when the dump started.
 */
function restoredPointInTime(archiveReport, member) {
    return archiveReport.oplog.last || member.optime;
}

/** The manifest written next to an archive. */
function composeManifest(inputs) {
    return {
        archive: inputs.name,
        sequence: inputs.sequence,
        createdAt: inputs.createdAt,
        sha256: inputs.sha256,
        bytes: inputs.bytes,
        member: inputs.member,
        oplog: inputs.archiveReport.oplog,
        pointInTime: inputs.counted.at,
        appDatabase: inputs.appDatabase,
        appDocuments: totalDocuments(inputs.counted.counts, inputs.appDatabase),
        expected: inputs.counted.counts,
    };
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
 * `alsoCount` adds {db: [collections]} that may exist at the read's time
 * though not now (dropped since), e.g. the archive's namespaces.
 */
function countAll(server, alsoCount) {
    const counts = {};
    const wanted = {};
    for (const db of userDatabases(server.listDatabases())) {
        wanted[db] = new Set(countedCollections(server.collectionInfos(db)));
    }
    for (const [db, colls] of Object.entries(alsoCount || {})) {
        if (!systemDatabases.includes(db)) {
            colls.forEach((coll) => (wanted[db] = wanted[db] || new Set()).add(coll));
        }
    }
    for (const db of Object.keys(wanted).sort()) {
        counts[db] = {};
        for (const coll of [...wanted[db]].sort()) {
            counts[db][coll] = server.countDocuments(db, coll);
        }
    }
    return counts;
}

if (typeof module === "object" && module.exports) {
    module.exports = { systemDatabases, userDatabases, countedCollections, compareCounts, totalDocuments, restoredPointInTime, composeManifest, connectionString, countAll };
}

// Under mongosh (global Mongo constructor and quit()) work against the server.
if (typeof Mongo === "function" && typeof quit === "function") {
    const fs = require("fs");
    const env = process.env;
    const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
    const countServer = (readConcern) => {
        const client = new Mongo(connectionString(env));
        return {
            listDatabases: () => client.getDB("admin").runCommand({ listDatabases: 1, nameOnly: true }),
            collectionInfos: (db) => client.getDB(db).runCommand({ listCollections: 1 }).cursor.firstBatch,
            countDocuments: (db, coll) => {
                const reply = client.getDB(db).runCommand({
                    aggregate: coll,
                    pipeline: [{ $count: "n" }],
                    cursor: {},
                    ...(readConcern ? { readConcern } : {}),
                });
                return reply.cursor.firstBatch.length ? reply.cursor.firstBatch[0].n : 0;
            },
        };
    };
    if (env.MANIFEST_MODE === "count") {
        const report = readJson(env.ARCHIVE_REPORT);
        const at = restoredPointInTime(report, readJson(env.MEMBER_FILE));
        const alsoCount = {};
        for (const ns of Object.keys(report.namespaces)) {
            const dot = ns.indexOf(".");
            (alsoCount[ns.slice(0, dot)] = alsoCount[ns.slice(0, dot)] || []).push(ns.slice(dot + 1));
        }
        const counts = countAll(countServer({ level: "snapshot", atClusterTime: Timestamp({ t: at.t, i: at.i }) }), alsoCount);
        fs.writeFileSync(env.COUNTS_FILE, JSON.stringify({ at, counts }));
    } else if (env.MANIFEST_MODE === "compose") {
        fs.writeFileSync(env.MANIFEST_OUT, `${JSON.stringify(composeManifest({
            name: env.ARCHIVE_NAME,
            sequence: Number(env.SEQUENCE),
            createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
            sha256: env.SHA256,
            bytes: Number(env.BYTES),
            member: readJson(env.MEMBER_FILE),
            archiveReport: readJson(env.ARCHIVE_REPORT),
            counted: readJson(env.COUNTS_FILE),
            appDatabase: env.APP_DATABASE,
        }))}\n`);
    } else if (env.MANIFEST_MODE === "compare") {
        const manifest = readJson(env.MANIFEST_FILE);
        const counts = countAll(countServer(undefined));
        const problems = manifest.expected ? compareCounts(manifest.expected, counts) : ["the manifest has no exact counts (written by an older backup)"];
        problems.forEach((problem) => print(`[verify] ${problem}`));
        const collections = Object.values(counts).reduce((sum, colls) => sum + Object.keys(colls).length, 0);
        print(`[verify] ${collections} collections, ${totalDocuments(counts)} documents compared, ${problems.length} difference(s)`);
        quit(problems.length === 0 ? 0 : 1);
    } else {
        print(`[manifest] unknown MANIFEST_MODE '${env.MANIFEST_MODE}'`);
        quit(2);
    }
}
