/**
 * The pure decisions of the backup scripts' JavaScript helpers, run under
 * Node: the archive reader (archive.js), member choice (member.js), exact
 * counts (manifest.js), and ordering, suspicion and retention (catalogue.js).
 */
import { strict as assert } from "assert";
import { gzipSync } from "zlib";

const archiveJs = require("../components/backup/scripts/archive.js");
const member = require("../components/backup/scripts/member.js");
const manifest = require("../components/backup/scripts/manifest.js");
const catalogue = require("../components/backup/scripts/catalogue.js");
const { writeArchive } = require("./support/mongoStubs/archiveFormat.js");
const { Timestamp } = require("bson");

/** Feeds bytes to the reader in chunks of `size`, as a FIFO would. */
const chunked = (bytes: Buffer, size: number) => {
    let at = 0;
    return () => {
        if (at >= bytes.length) return null;
        const chunk = bytes.subarray(at, at + size);
        at += size;
        return chunk;
    };
};

describe("backup helpers (pure decisions)", () => {
    describe("archive.js reads a whole mongodump archive", () => {
        const archive = writeArchive({
            namespaces: [
                { db: "rocketchat", collection: "users", documents: [{ _id: "u1" }, { _id: "u2" }] },
                { db: "rocketchat", collection: "empty", documents: [] },
                { db: "admin", collection: "system.version", documents: [{ _id: "featureCompatibilityVersion", version: "8.0" }] },
            ],
            oplog: [
                { ts: new Timestamp({ t: 100, i: 1 }), op: "n", ns: "", o: {} },
                { ts: new Timestamp({ t: 101, i: 3 }), op: "i", ns: "rocketchat.users", o: { _id: "u3" } },
            ],
        });

        it("counts documents per namespace and gives the oplog's last timestamp, whatever the chunk size", () => {
            for (const size of [1, 7, 4096, archive.length]) {
                const report = archiveJs.readArchive(chunked(archive, size));
                assert.deepEqual(report.oplog, { entries: 2, first: { t: 100, i: 1 }, last: { t: 101, i: 3 } });
                assert.equal(report.namespaces["rocketchat.users"].documents, 2);
                assert.equal(report.namespaces["rocketchat.empty"].documents, 0);
                assert.deepEqual(archiveJs.documentsByDatabase(report, ["admin", "config", "local"]), { rocketchat: { users: 2, empty: 0 } });
            }
        });

        it("refuses a flipped byte (CRC), a truncated stream, and bytes that are not an archive", () => {
            const damaged = writeArchive({ namespaces: [{ db: "d", collection: "c", documents: [{ _id: 1, text: "hello" }] }], oplog: [], corrupt: { namespace: "d.c", byte: 15 } });
            assert.throws(() => archiveJs.readArchive(chunked(damaged, 64)), /CRC mismatch for d\.c/);
            assert.throws(() => archiveJs.readArchive(chunked(archive.subarray(0, archive.length - 9), 64)), /ends (inside|before)/);
            assert.throws(() => archiveJs.readArchive(chunked(gzipSync(archive), 64)), /not a mongodump archive/);
        });

        it("computes Go's CRC-64-ECMA (the check value of the standard test vector)", () => {
            // hash/crc64 with the ECMA table over "123456789" gives 0x995dc9bbdf1939fa (Go's crc64 tests).
            assert.equal(archiveJs.crcHex(archiveJs.crc64Update({ lo: 0, hi: 0 }, Buffer.from("123456789"))), "995dc9bbdf1939fa");
        });
    });

    describe("member.js chooses one member", () => {
        const hello = (state: "PRIMARY" | "SECONDARY", t: number, setName = "rs0") => ({
            ok: 1, setName, isWritablePrimary: state === "PRIMARY", secondary: state === "SECONDARY", lastWrite: { opTime: { ts: { t, i: 1 } } },
        });

        it("prefers the secondary with the newest write, and records its lag behind the primary", () => {
            const choice = member.chooseMember([
                { host: "a:27017", hello: hello("PRIMARY", 1000) },
                { host: "b:27017", hello: hello("SECONDARY", 940) },
                { host: "c:27017", hello: hello("SECONDARY", 998) },
            ], "rs0");
            assert.deepEqual(choice, { host: "c:27017", role: "SECONDARY", optime: { t: 998, i: 1 }, lagSeconds: 2 });
        });

        it("falls back to the primary, ignores another set's members, and names every answer when none will do", () => {
            assert.equal(member.chooseMember([{ host: "a", hello: hello("PRIMARY", 5) }, { host: "b", error: "connect ECONNREFUSED" }], "rs0").host, "a");
            assert.equal(member.chooseMember([{ host: "a", hello: hello("PRIMARY", 5) }, { host: "x", hello: hello("SECONDARY", 9, "other") }], "rs0").host, "a");
            assert.deepEqual(member.chooseMember([{ host: "a", error: "timed out" }, { host: "x", hello: hello("SECONDARY", 9, "other") }], "rs0"), {
                error: "no member of replica set 'rs0' can be dumped (a: timed out; x: set 'other')",
            });
        });
    });

    describe("manifest.js: exact counts", () => {
        it("agrees only with exactly the archive's counts; an empty collection equals an absent one", () => {
            const expected = { rocketchat: { rocketchat_message: 41, users: 2, empty: 0 } };
            assert.deepEqual(manifest.compareCounts(expected, { rocketchat: { rocketchat_message: 41, users: 2 } }), []);
            assert.deepEqual(manifest.compareCounts(expected, { rocketchat: { rocketchat_message: 40, users: 2, extra: 1 } }), [
                "rocketchat.extra: restored 1 documents, the archive holds 0",
                "rocketchat.rocketchat_message: restored 40 documents, the archive holds 41",
            ]);
        });

        it("takes the point in time from the archive's last oplog entry, else the member's optime", () => {
            assert.deepEqual(manifest.restoredPointInTime({ oplog: { last: { t: 7, i: 2 } } }, { optime: { t: 5, i: 1 } }), { t: 7, i: 2 });
            assert.deepEqual(manifest.restoredPointInTime({ oplog: { last: null } }, { optime: { t: 5, i: 1 } }), { t: 5, i: 1 });
        });

        it("counts user databases and real collections, plus the archive's collections dropped since", () => {
            const server = {
                listDatabases: () => ({ databases: [{ name: "admin" }, { name: "rocketchat" }] }),
                collectionInfos: () => [{ name: "users", type: "collection" }, { name: "v", type: "view" }, { name: "system.views" }],
                countDocuments: (db: string, coll: string) => (db === "rocketchat" && coll === "users" ? 7 : 0),
            };
            assert.deepEqual(manifest.countAll(server, { rocketchat: ["dropped_since"], admin: ["system.users"] }), { rocketchat: { dropped_since: 0, users: 7 } });
        });
    });

    describe("catalogue.js: retention never lowers protection", () => {
        const archive = (sequence: number, flags: Partial<{ verified: boolean; failed: boolean; suspect: boolean }> = {}) => ({
            name: `rocketchat-202611${String(sequence).padStart(2, "0")}T021500Z.archive.gz`, sequence, verified: false, failed: false, suspect: false, ...flags,
        });

        it("prunes nothing before an archive is verified-good, nor after a failed verification", () => {
            const all = [1, 2, 3, 4, 5].map((n) => archive(n));
            assert.deepEqual(catalogue.planRetention(all, 2, undefined).remove, []);
            assert.deepEqual(catalogue.planRetention(all.map((a) => ({ ...a, verified: true })), 2, "failed").remove, []);
        });

        it("keeps the newest verified-good archive and everything newer, suspect ones included", () => {
            const plan = catalogue.planRetention([
                archive(1, { verified: true }), archive(2, { verified: true }), archive(3, { verified: true }),
                archive(4, { suspect: true }), archive(5, { suspect: true }), archive(6, { suspect: true, verified: true }),
            ], 2, "ok");
            assert.deepEqual(plan.remove, [archive(1).name], "the two newest non-suspect archives stay; no suspect one is counted or pruned");
        });

        it("removes suspect and failed archives only once a newer archive is verified-good", () => {
            const plan = catalogue.planRetention([
                archive(1, { verified: true }), archive(2, { suspect: true }), archive(3, { failed: true }), archive(4, { verified: true }), archive(5),
            ], 3, "ok");
            assert.deepEqual(plan.remove, [archive(2).name, archive(3).name]);
        });

        it("orders by sequence, not by name: a clock a day behind cannot make the newest archive the oldest", () => {
            const behind = { ...archive(4), name: "rocketchat-20261031T021500Z.archive.gz" };
            const plan = catalogue.planRetention([archive(1, { verified: true }), archive(2, { verified: true }), archive(3, { verified: true }), behind], 2, "ok");
            assert.deepEqual(plan.remove, [archive(1).name, archive(2).name], "the newest two by sequence stay, whatever their names");
        });

        it("marks an empty or far smaller archive suspect, against the newest verified-good one", () => {
            const baseline = { name: "old", appDocuments: 1000, bytes: 50000 };
            assert.match(catalogue.suspectReason({ appDocuments: 0, bytes: 20 }, baseline, 50, "rocketchat"), /no document of the application database 'rocketchat'/);
            assert.match(catalogue.suspectReason({ appDocuments: 400, bytes: 49000 }, baseline, 50, "rocketchat"), /400 documents .* below 50% of the 1000 in old/);
            assert.match(catalogue.suspectReason({ appDocuments: 900, bytes: 100 }, baseline, 50, "rocketchat"), /100 bytes, below 50%/);
            assert.equal(catalogue.suspectReason({ appDocuments: 600, bytes: 30000 }, baseline, 50, "rocketchat"), "");
            assert.equal(catalogue.suspectReason({ appDocuments: 1, bytes: 1 }, baseline, 0, "rocketchat"), "", "0 turns the size check off");
            assert.equal(catalogue.suspectReason({ appDocuments: 1, bytes: 1 }, null, 50, "rocketchat"), "", "no baseline yet");
        });

        it("gives sequence numbers above any recorded, and refuses to keep fewer than one archive", () => {
            assert.equal(catalogue.nextSequence([archive(3), archive(9)], 4), 10);
            assert.equal(catalogue.nextSequence([], 12), 13);
            assert.throws(() => catalogue.planRetention([], 0, "ok"), /at least 1/);
        });
    });
});
