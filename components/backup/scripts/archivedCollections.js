/*
 * restoreDropExisting without mongorestore --drop, run by restore.sh under
 * mongosh before mongorestore:
 *   ARCHIVE_REPORT=<archive.js report> MONGODB_HOSTS=... MONGODB_URI_OPTIONS=... mongosh --nodb --file archivedCollections.js
 *
 * Why not --drop: it also makes mongorestore merge the archive's users and
 * roles with _mergeAuthzCollections { drop: true }, which replaces
 * admin.system.users and admin.system.roles with the archive's (server
 * src/mongo/db/commands/user_management_commands.cpp _processUsers: every
 * live user not in the archive is removed, every one in it is overwritten;
 * mongo-tools mongorestore/metadata.go RestoreUsersOrRoles passes --drop as
 * "drop"). The current generation's users, the restore identity among them,
 * would be gone before the oplog replay (restore.go Restore: collections,
 * then users and roles, then the oplog), and root's password would be the
 * archive's. --nsExclude cannot keep them out: mongorestore refuses it with
 * --oplogReplay ("cannot use --oplogReplay with excludes specified",
 * mongorestore/mongorestore.go ParseAndValidateOptions).
 *
 * So the collections are dropped here, exactly those mongorestore --drop
 * drops (restore.go RestoreIntent: each collection of the archive that
 * exists, never a system.* one), and mongorestore then runs without --drop:
 * into collections that no longer exist it restores what --drop would, and
 * it merges users and roles without replacing any (restoredIdentities.js).
 * The archive was read whole before this runs (archive.js), so nothing is
 * dropped for an archive that cannot be restored.
 */
"use strict";

/**
 * The collections mongorestore --drop would drop, as [{ db, collection }],
 * from archive.js's report ({ namespaces: { "<db>.<coll>": { type } } }):
 * every namespace of the archive except system collections (admin.system.users,
 * roles and version are merged or skipped, not dropped; a time-series
 * collection's system.buckets.<name> goes with <name>, which the archive's
 * metadata also names).
 */
function collectionsToDrop(report) {
    const seen = new Set();
    const drops = [];
    for (const ns of Object.keys(report.namespaces).sort()) {
        const dot = ns.indexOf(".");
        const db = ns.slice(0, dot);
        const collection = ns.slice(dot + 1);
        const target = collection.startsWith("system.buckets.") ? collection.slice("system.buckets.".length) : collection;
        if (dot <= 0 || target.startsWith("system.") || seen.has(`${db}.${target}`)) {
            continue;
        }
        seen.add(`${db}.${target}`);
        drops.push({ db, collection: target });
    }
    return drops;
}

/** NamespaceNotFound: MongoDB before 7.0 refused to drop a collection that does not exist; 7.0+ answers ok (SERVER-43894). */
const namespaceNotFound = 26;

if (typeof module === "object" && module.exports) {
    module.exports = { collectionsToDrop };
}

if (typeof Mongo === "function" && typeof quit === "function") {
    const fs = require("fs");
    const env = process.env;
    const { connectionString } = require(`${__dirname}/mongoUri.js`);
    const client = new Mongo(connectionString(env));
    for (const { db, collection } of collectionsToDrop(JSON.parse(fs.readFileSync(env.ARCHIVE_REPORT, "utf8")))) {
        print(`[restore] dropping ${db}.${collection}`);
        try {
            client.getDB(db).runCommand({ drop: collection, writeConcern: { w: "majority" } });
        } catch (error) {
            if (error.code !== namespaceNotFound) {
                throw error;
            }
        }
    }
}
