/**
 * `npm run bench:archive`: how fast the backup's archive reader (components/
 * backup/scripts/archive.js: every byte read, every namespace's CRC-64
 * checked) gets through a gzipped mongodump archive, against the floor of
 * decompressing it alone (`gzip -dc >/dev/null`) measured in the same run.
 *
 * Why it matters (issue 25 finding 3): backup.sh counts the collections at the
 * archive's last oplog timestamp only after this reader has been through the
 * whole archive, and a snapshot read at a timestamp older than the server's
 * minSnapshotHistoryWindowInSeconds (300 s by default) fails with
 * SnapshotTooOld. The reader's throughput bounds the archive size a backup can
 * count. The reader runs here under Node; in the Job it runs under mongosh,
 * which is Node with the same V8.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import { mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { randomBytes } from "crypto";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { writeArchive } = require("../test/support/mongoStubs/archiveFormat.js");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { readArchive } = require("../components/backup/scripts/archive.js");

const megabytes = Number(process.env.BENCH_ARCHIVE_MB ?? 128);
const snapshotWindowSeconds = 300;

function archiveOf(sizeMb: number): Buffer {
    // Documents of about 1 KiB in four collections; half of each message random
    // (base64), so gzip works about as hard as on chat text, not on one repeated byte.
    const perDocument = 1024;
    const count = Math.ceil((sizeMb * 1024 * 1024) / perDocument);
    const words = "the quick brown fox jumps over a lazy dog while the build is green ".repeat(8).slice(0, 450);
    const namespaces = [0, 1, 2, 3].map((i) => ({
        db: "rocketchat", collection: `rocketchat_message_${i}`,
        documents: Array.from({ length: Math.ceil(count / 4) }, (_, n) =>
            ({ _id: `${i}-${n}`, rid: "GENERAL", msg: `${words}${randomBytes(330).toString("base64")}`, ts: new Date(0) })),
    }));
    return writeArchive({ namespaces, oplog: [] });
}

function seconds(run: () => void): number {
    const start = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - start) / 1e9;
}

const dir = mkdtempSync(path.join(tmpdir(), "bench-archive-"));
try {
    const raw = archiveOf(megabytes);
    const gz = path.join(dir, "x.archive.gz");
    writeFileSync(path.join(dir, "x.archive"), raw);
    execFileSync("gzip", ["-6", "-k", path.join(dir, "x.archive")]);
    const rawMb = raw.length / 1024 / 1024;
    const floor = seconds(() => spawnSync("sh", ["-c", `gzip -dc '${gz}' >/dev/null`]));
    const reader = seconds(() => {
        const fifo = path.join(dir, "stream");
        execFileSync("mkfifo", [fifo]);
        const writer = spawn("sh", ["-c", `gzip -dc '${gz}' >'${fifo}'`]);
        const fd = openSync(fifo, "r");
        const chunk = new Uint8Array(1024 * 1024);
        readArchive(() => {
            const read = readSync(fd, chunk, 0, chunk.length, null);
            return read > 0 ? chunk.slice(0, read) : null;
        });
        writer.kill();
    });
    const mbPerSecond = rawMb / reader;
    console.log(`archive: ${rawMb.toFixed(0)} MiB uncompressed, ${(statSync(gz).size / 1024 / 1024).toFixed(1)} MiB gzipped`);
    console.log(`gzip -dc alone: ${floor.toFixed(2)} s (${(rawMb / floor).toFixed(0)} MiB/s)`);
    console.log(`archive.js reading it: ${reader.toFixed(2)} s (${mbPerSecond.toFixed(0)} MiB/s uncompressed), ${(reader / floor).toFixed(1)}x the gzip floor`);
    console.log(`largest archive the count can follow within ${snapshotWindowSeconds} s: about ${((mbPerSecond * snapshotWindowSeconds) / 1024).toFixed(1)} GiB uncompressed ` +
        "(less the dump's own oplog phase and the count itself)");
} finally {
    rmSync(dir, { recursive: true, force: true });
}
