/*
 * The mongodump archive format for the stub tools, written and read with the
 * `bson` library (the driver's own), independently of the archive reader the
 * backup scripts use. Layout from mongo-tools common/archive/spec.md: magic
 * number, header document, collection-metadata documents, terminator, then
 * per namespace a header {db, collection, EOF:false, CRC:0}, its documents
 * and the terminator, and an EOF header {EOF:true, CRC} with the terminator.
 * The oplog is the namespace db "" collection "oplog" (mongodump/prepare.go).
 * The CRC-64-ECMA comes from the scripts' archive.js, which was checked
 * against archives written by real mongodump (mongo-tools testdata).
 */
"use strict";
const { serialize, deserialize, Long } = require("bson");
const { crc64Update } = require("../../../components/backup/scripts/archive.js");

const magic = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
const terminator = Buffer.from([0xff, 0xff, 0xff, 0xff]);

/**
 * `namespaces` = [{ db, collection, documents: [...] }], `oplog` = entries.
 * `corrupt` = { namespace, byte } flips a byte of that namespace's first document after the CRC is taken.
 */
function writeArchive({ namespaces, oplog, serverVersion = "8.0.29", corrupt }) {
    const parts = [magic, serialize({ concurrent_collections: 4, version: "0.1", server_version: serverVersion, tool_version: "stub" })];
    for (const ns of namespaces) {
        parts.push(serialize({ db: ns.db, collection: ns.collection, metadata: JSON.stringify({ indexes: [] }), size: 0, type: "" }));
    }
    parts.push(terminator);
    const section = (db, collection, documents) => {
        let crc = { lo: 0, hi: 0 };
        const docs = documents.map((doc) => serialize(doc));
        docs.forEach((bytes) => (crc = crc64Update(crc, bytes)));
        if (corrupt && corrupt.namespace === `${db}.${collection}` && docs.length) {
            docs[0] = Buffer.from(docs[0]);
            docs[0][corrupt.byte] ^= 0xff;
        }
        if (docs.length) {
            parts.push(serialize({ db, collection, EOF: false, CRC: Long.fromInt(0) }), ...docs, terminator);
        }
        parts.push(serialize({ db, collection, EOF: true, CRC: Long.fromBits(crc.lo | 0, crc.hi | 0) }), terminator);
    };
    namespaces.forEach((ns) => section(ns.db, ns.collection, ns.documents));
    section("", "oplog", oplog);
    return Buffer.concat(parts);
}

/** Every document by namespace, and the oplog entries, from archive bytes. */
function parseArchive(bytes) {
    if (!bytes.subarray(0, 4).equals(magic)) {
        throw new Error("not a mongodump archive");
    }
    let at = 4;
    const next = () => {
        const length = bytes.readInt32LE(at);
        const doc = bytes.subarray(at, at + length);
        at += length;
        return doc;
    };
    const isTerminator = () => bytes.readUInt32LE(at) === 0xffffffff;
    const header = deserialize(next());
    while (!isTerminator()) next();
    at += 4;
    const namespaces = {};
    const oplog = [];
    while (at < bytes.length) {
        const nsHeader = deserialize(next());
        const key = nsHeader.db === "" ? nsHeader.collection : `${nsHeader.db}.${nsHeader.collection}`;
        if (!nsHeader.EOF) {
            while (!isTerminator()) {
                const doc = deserialize(next(), { promoteLongs: true });
                (key === "oplog" ? oplog : (namespaces[key] = namespaces[key] || [])).push(doc);
            }
        } else if (key !== "oplog") {
            namespaces[key] = namespaces[key] || [];
        }
        at += 4;
    }
    return { header, namespaces, oplog };
}

module.exports = { writeArchive, parseArchive };
