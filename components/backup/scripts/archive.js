/*
 * Reads a whole mongodump archive (the uncompressed stream of
 * `mongodump --archive`), as mongorestore would, and reports what it holds:
 *
 *   mkfifo f; gzip -dc x.archive.gz >f & ARCHIVE_STREAM=f REPORT_FILE=r.json \
 *       mongosh --nodb --quiet --norc --file archive.js
 *
 * Every byte is read and every namespace's CRC checked, so a report means the
 * archive's content is readable end to end, which `mongorestore --dryRun`
 * (it stops after the header) does not prove. The report gives documents per
 * namespace, the oplog's entry count and its first and last timestamp (the
 * state a restore with --oplogReplay reaches is the one at the last entry).
 *
 * Format: mongo-tools common/archive/spec.md: magic number 0x8199e26d (little
 * endian), a header document, collection-metadata documents, the terminator
 * 0xffffffff, then namespace segments (a header {db, collection, EOF:false},
 * documents, the terminator) and one EOF header per namespace
 * ({EOF:true, CRC}: CRC-64-ECMA, Go's hash/crc64, over the namespace's
 * documents, followed by the terminator). mongodump writes the oplog as the
 * namespace with db "" and collection "oplog" (mongodump/prepare.go
 * CreateOplogIntents), holding the entries with start <= ts <= end
 * (mongodump/oplog_dump.go DumpOplogBetweenTimestamps).
 *
 * The stream is read synchronously from a FIFO so the same code runs in
 * mongosh and in Node without an event loop. Plain ES2020, no dependencies.
 */
"use strict";

const magicNumber = 0x8199e26d;
const terminator = 0xffffffff;

/** CRC-64-ECMA as Go's hash/crc64 computes it (reflected polynomial, inverted in and out), in two 32-bit halves for speed. */
const crcTable = (() => {
    const lo = new Uint32Array(256);
    const hi = new Uint32Array(256);
    const polyLo = 0xd7870f42;
    const polyHi = 0xc96c5795;
    for (let n = 0; n < 256; n++) {
        let l = n;
        let h = 0;
        for (let k = 0; k < 8; k++) {
            const odd = l & 1;
            l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
            h = h >>> 1;
            if (odd) {
                l = (l ^ polyLo) >>> 0;
                h = (h ^ polyHi) >>> 0;
            }
        }
        lo[n] = l;
        hi[n] = h;
    }
    return { lo, hi };
})();

function crc64Update(state, bytes) {
    let lo = ~state.lo >>> 0;
    let hi = ~state.hi >>> 0;
    for (let i = 0; i < bytes.length; i++) {
        const index = (lo ^ bytes[i]) & 0xff;
        lo = (((lo >>> 8) | (hi << 24)) ^ crcTable.lo[index]) >>> 0;
        hi = ((hi >>> 8) ^ crcTable.hi[index]) >>> 0;
    }
    return { lo: ~lo >>> 0, hi: ~hi >>> 0 };
}

function crcHex(state) {
    return state.hi.toString(16).padStart(8, "0") + state.lo.toString(16).padStart(8, "0");
}

function cString(bytes, at) {
    let end = at;
    while (end < bytes.length && bytes[end] !== 0) {
        end++;
    }
    if (end >= bytes.length) {
        throw new Error("unterminated name in a BSON document");
    }
    return { text: utf8(bytes.subarray(at, end)), next: end + 1 };
}

function utf8(bytes) {
    return new TextDecoder("utf-8").decode(bytes);
}

function int32(bytes, at) {
    return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}

function uint32(bytes, at) {
    return int32(bytes, at) >>> 0;
}

/**
 * The top-level fields of one BSON document (bsonspec.org) that this reader
 * needs: strings, booleans, int32, int64 (as "hi:lo" hex) and timestamps
 * ({t, i}); other types are skipped by their size rules.
 */
function topLevelFields(doc) {
    const length = int32(doc, 0);
    if (length !== doc.length || doc[length - 1] !== 0) {
        throw new Error("a BSON document's length does not match its bytes");
    }
    const fields = {};
    let at = 4;
    while (at < length - 1) {
        const type = doc[at];
        const name = cString(doc, at + 1);
        at = name.next;
        switch (type) {
            case 0x01: case 0x09: at += 8; break; // double, UTC datetime
            case 0x02: case 0x0d: case 0x0e: { // string, code, symbol
                const size = int32(doc, at);
                if (type === 0x02) fields[name.text] = utf8(doc.subarray(at + 4, at + 4 + size - 1));
                at += 4 + size;
                break;
            }
            case 0x03: case 0x04: case 0x0f: at += int32(doc, at); break; // document, array, code with scope
            case 0x05: at += 5 + int32(doc, at); break; // binary
            case 0x06: case 0x0a: case 0xff: case 0x7f: break; // undefined, null, min/max key
            case 0x07: at += 12; break; // ObjectId
            case 0x08: fields[name.text] = doc[at] === 1; at += 1; break;
            case 0x0b: at = cString(doc, cString(doc, at).next).next; break; // regex
            case 0x0c: at += 4 + int32(doc, at) + 12; break; // DBPointer
            case 0x10: fields[name.text] = int32(doc, at); at += 4; break;
            case 0x11: fields[name.text] = { t: uint32(doc, at + 4), i: uint32(doc, at) }; at += 8; break;
            case 0x12: fields[name.text] = uint32(doc, at + 4).toString(16).padStart(8, "0") + uint32(doc, at).toString(16).padStart(8, "0"); at += 8; break;
            case 0x13: at += 16; break; // decimal128
            default: throw new Error(`unknown BSON type 0x${type.toString(16)} in field '${name.text}'`);
        }
        if (at > length - 1) {
            throw new Error(`field '${name.text}' runs past the end of its document`);
        }
    }
    return fields;
}

/** Buffers chunks from `readChunk()` (a Uint8Array, or null at the end) and hands out exact byte counts. */
function byteSource(readChunk) {
    let buffer = new Uint8Array(0);
    let offset = 0;
    let ended = false;
    let consumed = 0;
    const fill = (wanted) => {
        while (!ended && buffer.length - offset < wanted) {
            const chunk = readChunk();
            if (!chunk || chunk.length === 0) {
                ended = true;
                break;
            }
            const merged = new Uint8Array(buffer.length - offset + chunk.length);
            merged.set(buffer.subarray(offset), 0);
            merged.set(chunk, buffer.length - offset);
            buffer = merged;
            offset = 0;
        }
        return buffer.length - offset >= wanted;
    };
    return {
        atEnd: () => !fill(1),
        take(count, what) {
            if (!fill(count)) {
                throw new Error(`the archive ends inside ${what} (after ${consumed + buffer.length - offset} bytes)`);
            }
            const bytes = buffer.slice(offset, offset + count);
            offset += count;
            consumed += count;
            return bytes;
        },
        peekInt32(what) {
            if (!fill(4)) {
                throw new Error(`the archive ends before ${what}`);
            }
            return uint32(buffer, offset);
        },
    };
}

function takeDocument(source, what) {
    const length = source.peekInt32(what);
    if (length < 5 || length > 48 * 1024 * 1024) {
        throw new Error(`${what} has an impossible length ${length}`);
    }
    return source.take(length, what);
}

function namespaceOf(db, collection) {
    return db === "" ? collection : `${db}.${collection}`;
}

/**
 * Reads a whole archive. Returns { header, namespaces: { "<db>.<coll>":
 * { documents, metadata } }, oplog: { entries, first, last } } where first
 * and last are {t, i} or null. Throws with the reason on any malformed byte,
 * a CRC mismatch, a namespace without EOF or a truncated stream.
 */
function readArchive(readChunk) {
    const source = byteSource(readChunk);
    const magic = uint32(source.take(4, "the magic number"), 0);
    if (magic !== magicNumber) {
        throw new Error(`not a mongodump archive (magic number 0x${magic.toString(16)})`);
    }
    const header = topLevelFields(takeDocument(source, "the archive header"));
    const namespaces = {};
    while (source.peekInt32("the collection metadata") !== terminator) {
        const meta = topLevelFields(takeDocument(source, "a collection-metadata document"));
        namespaces[namespaceOf(meta.db, meta.collection)] = { documents: 0, metadata: true, type: meta.type || "" };
    }
    source.take(4, "the metadata terminator");

    const open = {};
    const closed = new Set();
    const oplog = { entries: 0, first: null, last: null };
    while (!source.atEnd()) {
        const nsHeader = topLevelFields(takeDocument(source, "a namespace header"));
        const ns = namespaceOf(nsHeader.db, nsHeader.collection);
        if (closed.has(ns)) {
            throw new Error(`namespace ${ns} continues after its EOF`);
        }
        const state = open[ns] || (open[ns] = { crc: { lo: 0, hi: 0 }, documents: 0 });
        if (nsHeader.EOF) {
            const crc = crcHex(state.crc);
            if (nsHeader.CRC !== crc) {
                throw new Error(`CRC mismatch for ${ns}: the archive says ${nsHeader.CRC}, its documents give ${crc}`);
            }
            closed.add(ns);
            delete open[ns];
            const entry = namespaces[ns] || (namespaces[ns] = { documents: 0, metadata: false, type: "" });
            entry.documents = state.documents;
        } else {
            while (source.peekInt32(`the documents of ${ns}`) !== terminator) {
                const doc = takeDocument(source, `a document of ${ns}`);
                state.crc = crc64Update(state.crc, doc);
                state.documents++;
                if (ns === "oplog") {
                    const ts = topLevelFields(doc).ts;
                    if (!ts || typeof ts.t !== "number") {
                        throw new Error("an oplog entry has no timestamp 'ts'");
                    }
                    oplog.first = oplog.first || ts;
                    oplog.last = ts;
                }
            }
        }
        source.take(4, `the terminator after ${ns}`);
    }
    const unfinished = Object.keys(open);
    if (unfinished.length > 0) {
        throw new Error(`the archive ends before the EOF of ${unfinished.join(", ")}`);
    }
    oplog.entries = namespaces.oplog ? namespaces.oplog.documents : 0;
    delete namespaces.oplog;
    return { header, namespaces, oplog };
}

/** Documents per database and collection, for the user databases only. */
function documentsByDatabase(report, systemDatabases) {
    const counts = {};
    for (const [ns, entry] of Object.entries(report.namespaces)) {
        const dot = ns.indexOf(".");
        const db = ns.slice(0, dot);
        const coll = ns.slice(dot + 1);
        if (systemDatabases.includes(db) || coll.startsWith("system.") || entry.type === "view") {
            continue;
        }
        (counts[db] = counts[db] || {})[coll] = entry.documents;
    }
    return counts;
}

if (typeof module === "object" && module.exports) {
    module.exports = { readArchive, documentsByDatabase, crc64Update, crcHex, topLevelFields };
}

// Under mongosh: read the FIFO named by ARCHIVE_STREAM, write the report.
if (typeof Mongo === "function" && typeof quit === "function") {
    const fs = require("fs");
    const fd = fs.openSync(process.env.ARCHIVE_STREAM, "r");
    const chunk = new Uint8Array(1024 * 1024);
    try {
        const report = readArchive(() => {
            const read = fs.readSync(fd, chunk, 0, chunk.length, null);
            return read > 0 ? chunk.slice(0, read) : null;
        });
        fs.writeFileSync(process.env.REPORT_FILE, JSON.stringify(report));
    } catch (error) {
        print(`[archive] unreadable: ${error.message}`);
        quit(1);
    }
}
