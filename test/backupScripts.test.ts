/**
 * The backup shell scripts, run for real with bash against temporary
 * directories. mongodump, mongorestore, mongosh and mongod are stubs on PATH
 * that record their arguments, so the whole flow runs without a server.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { gzipSync } from "zlib";

const scripts = path.join(__dirname, "..", "components", "backup", "scripts");
const password = "pa55'word-with-a-quote";

/** Stub tools: each appends its argv to <log>/<tool>.argv and obeys STUB_* variables. */
const stubs: Record<string, string> = {
    mongodump: `
archive=""
for arg; do case "$arg" in --archive=*) archive=\${arg#--archive=} ;; --config=*) cp "\${arg#--config=}" "$STUB_LOG/mongodump.config" ;; esac; done
if [ "\${STUB_MONGODUMP_FAIL:-}" = 1 ]; then printf 'half an archive' >"$archive"; echo "stub: connection lost" >&2; exit 1; fi
printf 'bson documents' | gzip >"$archive"`,
    mongorestore: `
for arg; do case "$arg" in --config=*) cp "\${arg#--config=}" "$STUB_LOG/mongorestore.config" ;; esac; done
case " $* " in *" --dryRun "*) [ "\${STUB_DRYRUN_FAIL:-}" = 1 ] && { echo "stub: bad archive" >&2; exit 1; } ;; esac
exit "\${STUB_MONGORESTORE_EXIT:-0}"`,
    mongosh: `
case "\${MANIFEST_MODE:-}" in
    count) printf '{"rocketchat":{"rocketchat_message":%s,"users":2}}' "\${STUB_MESSAGES:-41}" >"$COUNTS_FILE" ;;
    compare) exit "\${STUB_COMPARE_EXIT:-0}" ;;
esac
exit 0`,
    mongod: `exec sleep 30`,
};

interface Sandbox {
    root: string;
    backupDir: string;
    log: string;
    env: NodeJS.ProcessEnv;
}

function sandbox(): Sandbox {
    const root = mkdtempSync(path.join(tmpdir(), "backup-scripts-"));
    const bin = path.join(root, "bin");
    const log = path.join(root, "log");
    const backupDir = path.join(root, "backup");
    for (const dir of [bin, log, backupDir, path.join(root, "tools"), path.join(root, "tmp"), path.join(root, "scratch")]) {
        mkdirSync(dir, { recursive: true });
    }
    for (const [tool, body] of Object.entries(stubs)) {
        const file = path.join(bin, tool);
        writeFileSync(file, `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >>"$STUB_LOG/${tool}.argv"\n${body}\n`);
        chmodSync(file, 0o755);
    }
    return {
        root,
        backupDir,
        log,
        env: {
            PATH: `${bin}:${process.env.PATH}`,
            STUB_LOG: log,
            BACKUP_DIR: backupDir,
            TMPDIR: path.join(root, "tmp"),
            TOOLS_CONFIG_DIR: path.join(root, "tools"),
            SCRATCH_DIR: path.join(root, "scratch"),
            ARCHIVE_PREFIX: "rocketchat",
            BACKUP_RETENTION: "3",
            MONGODB_HOSTS: "m-0.h.ns.svc.cluster.local:27017,m-1.h.ns.svc.cluster.local:27017",
            MONGODB_REPLICA_SET: "rs0",
            MONGODB_USERNAME: "backup",
            MONGODB_PASSWORD: password,
            LOCK_POLL_SECONDS: "1",
            LOCK_WAIT_SECONDS: "1",
        },
    };
}

function run(box: Sandbox, script: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
    const result = spawnSync("bash", [path.join(scripts, script), ...args], { env: { ...box.env, ...env }, encoding: "utf8", timeout: 60000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function argvLog(box: Sandbox, tool: string): string[] {
    const file = path.join(box.log, `${tool}.argv`);
    return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
}

/** Every file under a directory, relative, sorted. */
function listing(dir: string): string[] {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
        .sort();
}

const stamp = (day: number) => `202611${String(day).padStart(2, "0")}T021500Z`;

/** A complete archive as backup.sh leaves it: archive, checksum, manifest. */
function goodArchive(dir: string, day: number, manifest = true): string {
    mkdirSync(dir, { recursive: true });
    const name = `rocketchat-${stamp(day)}.archive.gz`;
    const body = gzipSync(`archive of day ${day}`);
    writeFileSync(path.join(dir, name), body);
    writeFileSync(path.join(dir, `${name}.sha256`), `${createHash("sha256").update(body).digest("hex")}  ${name}\n`);
    if (manifest) {
        writeFileSync(path.join(dir, `${name}.manifest.json`), JSON.stringify({ archive: name, before: { rocketchat: { users: 2 } }, after: { rocketchat: { users: 2 } } }));
    }
    return name;
}

/** Ten dated good archives and the partial file a killed dump leaves behind. */
function tenArchivesAndAPartial(box: Sandbox): { dir: string; names: string[]; partial: string } {
    const dir = path.join(box.backupDir, "mongodb");
    const names = Array.from({ length: 10 }, (_, i) => goodArchive(dir, i + 1));
    const partial = `rocketchat-${stamp(11)}.archive.gz.partial`;
    writeFileSync(path.join(dir, partial), "truncated");
    return { dir, names, partial };
}

describe("backup scripts (bash, stub tools)", function () {
    const boxes: Sandbox[] = [];
    const fresh = () => {
        const box = sandbox();
        boxes.push(box);
        return box;
    };
    after(() => boxes.forEach((box) => rmSync(box.root, { recursive: true, force: true })));

    describe("retention.sh", () => {
        it("keeps the newest N good archives with their sidecars and removes a failed partial one", () => {
            const box = fresh();
            const { dir, names, partial } = tenArchivesAndAPartial(box);
            // Leftovers and strangers: a sidecar without its archive, an archive
            // without a checksum (not good, never counted, never touched), a file
            // outside the naming scheme.
            writeFileSync(path.join(dir, `rocketchat-${stamp(12)}.archive.gz.sha256`), "orphan");
            writeFileSync(path.join(dir, `rocketchat-${stamp(13)}.archive.gz`), "no checksum");
            writeFileSync(path.join(dir, "notes.txt"), "operator's file");

            const result = run(box, "retention.sh", {}, [dir, "rocketchat", ".archive.gz", "3", ".sha256", ".manifest.json"]);
            assert.equal(result.status, 0, result.output);
            const kept = names.slice(-3).flatMap((n) => [n, `${n}.manifest.json`, `${n}.sha256`]);
            assert.deepEqual(listing(dir), [...kept, `rocketchat-${stamp(13)}.archive.gz`, "notes.txt"].sort());
            assert.ok(!listing(dir).includes(partial));
        });

        it("deletes nothing when there are no more good archives than it keeps", () => {
            const box = fresh();
            const { dir } = tenArchivesAndAPartial(box);
            rmSync(path.join(dir, `rocketchat-${stamp(11)}.archive.gz.partial`));
            const before = listing(dir);
            assert.equal(run(box, "retention.sh", {}, [dir, "rocketchat", ".archive.gz", "10", ".sha256"]).status, 0);
            assert.deepEqual(listing(dir), before);
        });

        it("refuses to keep zero archives", () => {
            const box = fresh();
            const { dir } = tenArchivesAndAPartial(box);
            const before = listing(dir);
            const result = run(box, "retention.sh", {}, [dir, "rocketchat", ".archive.gz", "0", ".sha256"]);
            assert.notEqual(result.status, 0);
            assert.match(result.output, /at least 1/);
            assert.deepEqual(listing(dir), before);
        });
    });

    describe("backup.sh", () => {
        it("dumps, checks, renames, records checksum and manifest, then prunes to the newest N", () => {
            const box = fresh();
            const { dir, names, partial } = tenArchivesAndAPartial(box);
            const result = run(box, "backup.sh");
            assert.equal(result.status, 0, result.output);

            const archives = listing(dir).filter((f) => f.endsWith(".archive.gz"));
            assert.equal(archives.length, 3, `kept: ${archives.join(", ")}`);
            const newest = archives[2];
            assert.match(newest, /^rocketchat-\d{8}T\d{6}Z\.archive\.gz$/);
            assert.deepEqual(archives.slice(0, 2), names.slice(-2), "the two newest old archives stay with the new one");
            assert.ok(!listing(dir).includes(partial), "leftover partial removed after success");

            const check = spawnSync("sha256sum", ["--check", `${newest}.sha256`], { cwd: dir, encoding: "utf8" });
            assert.equal(check.status, 0, check.stdout + check.stderr);
            const manifest = JSON.parse(readFileSync(path.join(dir, `${newest}.manifest.json`), "utf8"));
            assert.equal(manifest.archive, newest);
            assert.deepEqual(manifest.before, { rocketchat: { rocketchat_message: 41, users: 2 } });
            assert.deepEqual(manifest.after, manifest.before);
            assert.match(readFileSync(path.join(box.backupDir, "status", "last-backup-success"), "utf8"), new RegExp(`^\\d+ ${newest}\\n$`));
            assert.ok(!existsSync(path.join(box.backupDir, ".lock")), "lock released");
        });

        it("runs mongodump --oplog --gzip through the replica-set URI, reading from a secondary, with the password only in a --config file", () => {
            const box = fresh();
            assert.equal(run(box, "backup.sh").status, 0);
            const [dump] = argvLog(box, "mongodump");
            assert.match(dump, /^--config=\S+ --oplog --gzip --archive=\S+\.archive\.gz\.partial$/);
            const config = readFileSync(path.join(box.log, "mongodump.config"), "utf8");
            assert.equal(
                config,
                "uri: 'mongodb://backup@m-0.h.ns.svc.cluster.local:27017,m-1.h.ns.svc.cluster.local:27017/?replicaSet=rs0&authSource=admin&readPreference=secondaryPreferred'\n" +
                    "password: 'pa55''word-with-a-quote'\n",
            );
            assert.ok(argvLog(box, "mongorestore").some((a) => / --dryRun --gzip --archive=/.test(a)), "dry-run restore of the new archive");
            for (const tool of ["mongodump", "mongorestore", "mongosh"]) {
                for (const line of argvLog(box, tool)) {
                    assert.ok(!line.includes(password) && !line.includes("pa55"), `${tool} got the password in its arguments: ${line}`);
                }
            }
            assert.deepEqual(readdirSync(path.join(box.root, "tools")), [], "the rendered config is removed");
        });

        it("a failed dump deletes nothing and removes only its own partial file", () => {
            const box = fresh();
            const { dir } = tenArchivesAndAPartial(box);
            const before = listing(dir);
            const result = run(box, "backup.sh", { STUB_MONGODUMP_FAIL: "1" });
            assert.notEqual(result.status, 0);
            assert.match(result.output, /connection lost/);
            assert.deepEqual(listing(dir), before, "every archive (and the old partial) is still there, nothing new");
            assert.ok(!existsSync(path.join(box.backupDir, "status", "last-backup-success")));
            assert.ok(!existsSync(path.join(box.backupDir, ".lock")), "lock released after failure");
        });

        it("an archive that fails mongorestore --dryRun is discarded and nothing is pruned", () => {
            const box = fresh();
            const { dir } = tenArchivesAndAPartial(box);
            const before = listing(dir);
            const result = run(box, "backup.sh", { STUB_DRYRUN_FAIL: "1" });
            assert.notEqual(result.status, 0);
            assert.deepEqual(listing(dir), before);
        });

        it("does not start while a restore holds the lock, and breaks a lock left by a dead pod", () => {
            const box = fresh();
            const lock = path.join(box.backupDir, ".lock");
            mkdirSync(lock);
            writeFileSync(path.join(lock, "owner"), `${Math.floor(Date.now() / 1000)} restore of x.archive.gz on pod-a\n`);
            const blocked = run(box, "backup.sh");
            assert.notEqual(blocked.status, 0);
            assert.match(blocked.output, /locked by: \d+ restore of x\.archive\.gz/);
            assert.deepEqual(argvLog(box, "mongodump"), [], "no dump while the restore runs");
            assert.ok(existsSync(lock), "the restore's lock is left alone");

            writeFileSync(path.join(lock, "owner"), `${Math.floor(Date.now() / 1000) - 7200} restore of x.archive.gz on pod-a\n`);
            const stale = run(box, "backup.sh", { LOCK_STALE_SECONDS: "3600" });
            assert.equal(stale.status, 0, stale.output);
            assert.match(stale.output, /breaking a stale lock/);
        });
    });

    describe("restore.sh", () => {
        it("replays the archive with its oplog through the replica-set URI, without --drop unless opted in", () => {
            const box = fresh();
            const name = goodArchive(path.join(box.backupDir, "mongodb"), 5);
            const plain = run(box, "restore.sh", { RESTORE_ARCHIVE: name, RESTORE_DROP: "false" });
            assert.equal(plain.status, 0, plain.output);
            const [restore] = argvLog(box, "mongorestore");
            assert.equal(restore, `--config=${box.root}/tools/tools.yaml --oplogReplay --gzip --archive=${box.backupDir}/mongodb/${name}`);
            const config = readFileSync(path.join(box.log, "mongorestore.config"), "utf8");
            assert.match(config, /^uri: 'mongodb:\/\/backup@m-0\.h\.ns\.svc\.cluster\.local:27017,m-1\.h\.ns\.svc\.cluster\.local:27017\/\?replicaSet=rs0&authSource=admin'\n/);
            assert.ok(!restore.includes(password));

            const dropping = run(box, "restore.sh", { RESTORE_ARCHIVE: name, RESTORE_DROP: "true" });
            assert.equal(dropping.status, 0, dropping.output);
            assert.match(argvLog(box, "mongorestore")[1], / --drop$/);
            assert.match(readFileSync(path.join(box.backupDir, "status", "last-restore-success"), "utf8"), new RegExp(name));
        });

        it("waits for a running backup instead of restoring under it", () => {
            const box = fresh();
            const name = goodArchive(path.join(box.backupDir, "mongodb"), 5);
            mkdirSync(path.join(box.backupDir, ".lock"));
            writeFileSync(path.join(box.backupDir, ".lock", "owner"), `${Math.floor(Date.now() / 1000)} backup on pod-b\n`);
            const result = run(box, "restore.sh", { RESTORE_ARCHIVE: name });
            assert.notEqual(result.status, 0);
            assert.match(result.output, /locked by: \d+ backup on pod-b/);
            assert.deepEqual(argvLog(box, "mongorestore"), []);
        });

        it("refuses an archive whose checksum does not match, and a missing one", () => {
            const box = fresh();
            const dir = path.join(box.backupDir, "mongodb");
            const name = goodArchive(dir, 5);
            writeFileSync(path.join(dir, name), gzipSync("tampered"));
            const tampered = run(box, "restore.sh", { RESTORE_ARCHIVE: name });
            assert.notEqual(tampered.status, 0);
            assert.match(tampered.output, /does not match its recorded sha256/);
            const missing = run(box, "restore.sh", { RESTORE_ARCHIVE: "rocketchat-20990101T000000Z.archive.gz" });
            assert.notEqual(missing.status, 0);
            assert.match(missing.output, /does not exist/);
            assert.deepEqual(argvLog(box, "mongorestore"), []);
            assert.ok(!existsSync(path.join(box.backupDir, ".lock")));
        });
    });

    describe("verify.sh", () => {
        it("restores the newest complete archive into a local scratch mongod and records success", () => {
            const box = fresh();
            const dir = path.join(box.backupDir, "mongodb");
            goodArchive(dir, 4);
            const newest = goodArchive(dir, 5);
            goodArchive(dir, 6, false); // no manifest yet: not a candidate
            const result = run(box, "verify.sh", { MONGODB_USERNAME: "", MONGODB_PASSWORD: "" });
            assert.equal(result.status, 0, result.output);
            const [mongod] = argvLog(box, "mongod");
            assert.match(mongod, new RegExp(`^--dbpath ${box.root}/scratch/db --bind_ip 127\\.0\\.0\\.1 --port 27017 `));
            assert.deepEqual(argvLog(box, "mongorestore"), [`--uri=mongodb://127.0.0.1:27017/ --oplogReplay --gzip --archive=${dir}/${newest}`]);
            assert.match(readFileSync(path.join(box.backupDir, "status", "last-verify-success"), "utf8"), new RegExp(`^\\d+ ${newest}\\n$`));
        });

        it("fails visibly when the counts differ from the manifest or the checksum does not match", () => {
            const box = fresh();
            const dir = path.join(box.backupDir, "mongodb");
            const name = goodArchive(dir, 5);
            const mismatch = run(box, "verify.sh", { STUB_COMPARE_EXIT: "1" });
            assert.notEqual(mismatch.status, 0);
            assert.match(mismatch.output, /differ from its manifest/);

            writeFileSync(path.join(dir, name), gzipSync("bit rot"));
            const corrupt = run(box, "verify.sh");
            assert.notEqual(corrupt.status, 0);
            assert.match(corrupt.output, /does not match its recorded sha256/);
            assert.ok(!existsSync(path.join(box.backupDir, "status", "last-verify-success")));
        });

        it("fails when there is no complete archive to verify", () => {
            const box = fresh();
            const result = run(box, "verify.sh");
            assert.notEqual(result.status, 0);
            assert.match(result.output, /no complete archive/);
        });
    });

    describe("uploads.sh", () => {
        it("archives the uploads directory, records a checksum and keeps the newest N", () => {
            const box = fresh();
            const uploads = path.join(box.root, "uploads");
            mkdirSync(path.join(uploads, "2026"), { recursive: true });
            writeFileSync(path.join(uploads, "2026", "photo.png"), "png bytes");
            const dir = path.join(box.backupDir, "uploads");
            mkdirSync(dir, { recursive: true });
            for (let day = 1; day <= 4; day++) {
                const name = `rocketchat-uploads-${stamp(day)}.tar.gz`;
                writeFileSync(path.join(dir, name), "old");
                writeFileSync(path.join(dir, `${name}.sha256`), "x");
            }
            const result = run(box, "uploads.sh", { UPLOADS_DIR: uploads, UPLOADS_RETENTION: "2" });
            assert.equal(result.status, 0, result.output);
            const archives = listing(dir).filter((f) => f.endsWith(".tar.gz"));
            assert.equal(archives.length, 2);
            assert.equal(archives[0], `rocketchat-uploads-${stamp(4)}.tar.gz`);
            const content = spawnSync("tar", ["-tzf", path.join(dir, archives[1])], { encoding: "utf8" }).stdout;
            assert.match(content, /\.\/2026\/photo\.png/);
        });

        it("a missing uploads mount fails without deleting anything", () => {
            const box = fresh();
            const dir = path.join(box.backupDir, "uploads");
            mkdirSync(dir, { recursive: true });
            writeFileSync(path.join(dir, `rocketchat-uploads-${stamp(1)}.tar.gz`), "old");
            const result = run(box, "uploads.sh", { UPLOADS_DIR: path.join(box.root, "absent"), UPLOADS_RETENTION: "1" });
            assert.notEqual(result.status, 0);
            assert.deepEqual(listing(dir), [`rocketchat-uploads-${stamp(1)}.tar.gz`]);
        });
    });
});
