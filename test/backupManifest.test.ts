/** The count and comparison rules of components/backup/scripts/manifest.js, run under Node. */
import { strict as assert } from "assert";

const manifest = require("../components/backup/scripts/manifest.js");

describe("backup manifest (manifest.js)", () => {
    const dumped = {
        before: { rocketchat: { rocketchat_message: 100, users: 5, rocketchat_sessions: 40 } },
        after: { rocketchat: { rocketchat_message: 104, users: 5, rocketchat_sessions: 38 } },
    };

    it("accepts a restore whose every count lies between the counts before and after the dump", () => {
        const restored = { rocketchat: { rocketchat_message: 102, users: 5, rocketchat_sessions: 39 } };
        assert.deepEqual(manifest.compareCounts(dumped, restored), []);
    });

    it("reports counts outside that range, missing collections and collections the manifest does not know", () => {
        const restored = { rocketchat: { rocketchat_message: 99, rocketchat_sessions: 41, extra: 1 } };
        assert.deepEqual(manifest.compareCounts(dumped, restored), [
            "rocketchat.extra: restored with 1 documents but absent from the manifest",
            "rocketchat.rocketchat_message: restored 99 documents, manifest expects 100 to 104",
            "rocketchat.rocketchat_sessions: restored 41 documents, manifest expects 38 to 40",
            "rocketchat.users: missing from the restore (manifest: 5 before, 5 after the dump)",
        ]);
    });

    it("lets a collection created or dropped during the dump be absent or partial, never larger", () => {
        const during = { before: { db: { dropped: 3 } }, after: { db: { created: 2 } } };
        assert.deepEqual(manifest.compareCounts(during, { db: {} }), []);
        assert.deepEqual(manifest.compareCounts(during, { db: { dropped: 1, created: 2 } }), []);
        assert.deepEqual(manifest.compareCounts(during, { db: { created: 3 } }), ["db.created: restored 3 documents, manifest expects 0 to 2"]);
    });

    it("counts user databases only, and real collections only", () => {
        assert.deepEqual(
            manifest.userDatabases({ databases: [{ name: "admin" }, { name: "config" }, { name: "local" }, { name: "rocketchat" }] }),
            ["rocketchat"],
        );
        assert.deepEqual(
            manifest.countedCollections([
                { name: "users", type: "collection" },
                { name: "system.views", type: "collection" },
                { name: "active_users", type: "view" },
                { name: "messages" },
            ]),
            ["messages", "users"],
        );
        const server = {
            listDatabases: () => ({ databases: [{ name: "admin" }, { name: "rocketchat" }] }),
            collectionInfos: () => [{ name: "users", type: "collection" }, { name: "v", type: "view" }],
            countDocuments: (db: string, coll: string) => (db === "rocketchat" && coll === "users" ? 7 : -1),
        };
        assert.deepEqual(manifest.countAll(server), { rocketchat: { users: 7 } });
    });

    it("builds the connection string from the environment, with credentials only when a user is set", () => {
        assert.equal(
            manifest.connectionString({ MONGODB_USERNAME: "backup", MONGODB_PASSWORD: "p@ss:word", MONGODB_HOSTS: "a:27017,b:27017", MONGODB_URI_OPTIONS: "replicaSet=rs0" }),
            "mongodb://backup:p%40ss%3Aword@a:27017,b:27017/?replicaSet=rs0",
        );
        assert.equal(manifest.connectionString({ MONGODB_USERNAME: "", MONGODB_HOSTS: "127.0.0.1:27017" }), "mongodb://127.0.0.1:27017/?");
    });
});
