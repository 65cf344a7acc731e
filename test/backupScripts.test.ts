/**
 * The backup shell scripts, run for real with bash against a simulated
 * replica set whose stub tools refuse what MongoDB refuses (see
 * test/support/mongoStubs): a dump through a multi-host URI with --oplog, an
 * oplog replay by a user without anyAction, a command before authentication,
 * a user whose role does not exist yet, a restore that replaces or revives
 * MongoDB users (mongorestore merges them as _mergeAuthzCollections does).
 * Each defect of the first version (issue 12) and of the restore's handling
 * of users (issue 25, finding 2) has a test here that fails on the old scripts.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import { BackupSandbox, chatData, hosts, passwords } from "./support/backupSandbox";
import { concurrentScenarios } from "./support/concurrentScenarios";

const { writeArchive } = require("./support/mongoStubs/archiveFormat.js");


/** The claim's lock as another pod holds it (scripts/lib.sh acquire_lock writes "<epoch> <what>" into owner). */
function holdLock(box: { log: string; backupDir: string }, what: string): { lock: string; now: number } {
    const now = Number(readFileSync(path.join(box.log, "now"), "utf8"));
    const lock = path.join(box.backupDir, ".lock");
    mkdirSync(lock);
    writeFileSync(path.join(lock, "owner"), `${now} ${what}\n`);
    return { lock, now };
}
describe("backup scripts (bash, stub tools that enforce MongoDB's rules)", function () {
    this.timeout(120000);
    const boxes: BackupSandbox[] = [];
    const fresh = (...args: ConstructorParameters<typeof BackupSandbox>) => {
        const box = new BackupSandbox(...args);
        boxes.push(box);
        return box;
    };
    after(() => boxes.forEach((box) => rmSync(box.root, { recursive: true, force: true })));
    // Each scenario has its own sandbox: they run side by side (test/support/concurrentScenarios.ts).
    const { scenario, shared } = concurrentScenarios();
    /** A fixture's sandbox is never changed: a scenario continues from its own copy. */
    const copyOf = async <T extends { box: BackupSandbox }>(fixture: () => Promise<T>): Promise<T> => {
        const built = await fixture();
        return { ...built, box: fresh(built.box) };
    };
    /** One backup of the default data (chatData(40)), made once. */
    const oneBackup = shared(async () => {
        const box = fresh();
        return { box, name: await box.backup() };
    });

    describe("backup.sh: one member, exact counts, a complete archive", () => {
        scenario("dumps from the secondary with the smallest lag over a direct connection and records the member and its optime", async () => {
            const box = fresh();
            box.change((s) => {
                s.members[hosts[1]].lagSeconds = 30;
                s.members[hosts[2]].lagSeconds = 2;
            });
            const name = await box.backup();
            const manifest = box.manifest(name);
            assert.equal(manifest.member.host, hosts[2]);
            assert.equal(manifest.member.role, "SECONDARY");
            assert.equal(manifest.member.lagSeconds, 2);
            assert.deepEqual(Object.keys(manifest.member.optime).sort(), ["i", "t"]);
            const [dump] = box.argv("mongodump");
            assert.match(dump, /^--config=\S+ --oplog --gzip --archive=\S+\.archive\.gz\.partial$/);
        });

        scenario("dumps the primary when no secondary answers, and fails without writing anything when no member does", async () => {
            const box = fresh();
            box.change((s) => {
                s.members[hosts[1]].state = "DOWN";
                s.members[hosts[2]].state = "DOWN";
            });
            assert.equal(box.manifest(await box.backup()).member.host, hosts[0]);
            box.change((s) => (s.members[hosts[0]].state = "DOWN"));
            const files = box.archiveFiles();
            const result = await box.run("backup.sh");
            assert.notEqual(result.status, 0);
            assert.match(result.output, /no member of replica set 'rs0' can be dumped/);
            assert.deepEqual(box.archiveFiles(), files);
        });

        scenario("counts exactly what the archive restores to, even with inserts and deletes during the dump and writes after it", async () => {
            const box = fresh(chatData(40));
            box.change((s) => {
                // The notification queue churns while the dump runs; messages keep arriving after it.
                s.duringDump = [
                    { op: "i", ns: "rocketchat.rocketchat_message", o: { _id: "m-during-1", msg: "new" } },
                    { op: "i", ns: "rocketchat.rocketchat_message", o: { _id: "m-during-2", msg: "new" } },
                    { op: "d", ns: "rocketchat.rocketchat_message", o: { _id: "m0" } },
                    { op: "i", ns: "rocketchat.rocketchat_notification_queue", o: { _id: "q1" } },
                ];
                s.afterDump = [{ op: "i", ns: "rocketchat.rocketchat_message", o: { _id: "m-after", msg: "later" } }];
            });
            const name = await box.backup();
            const manifest = box.manifest(name);
            assert.deepEqual(manifest.expected.rocketchat, { rocketchat_message: 41, rocketchat_notification_queue: 1, rocketchat_settings: 5, users: 2 });
            assert.equal(manifest.appDocuments, 49);
            assert.equal(box.counts().rocketchat.rocketchat_message, 42, "the write after the dump is on the server but not in the archive");
            assert.equal(manifest.oplog.entries, 5, "the start entry and the four writes during the dump");

            const verified = await box.run("verify.sh");
            assert.equal(verified.status, 0, verified.output);
            assert.match(verified.output, /4 collections, 49 documents compared, 0 difference\(s\)/);
        });

        scenario("refuses an archive whose content is damaged though gzip and mongorestore --dryRun accept it", async () => {
            const box = fresh();
            const files = box.archiveFiles();
            const result = await box.run("backup.sh", { STUB_CORRUPT_NAMESPACE: "rocketchat.users" });
            assert.notEqual(result.status, 0);
            assert.match(result.output, /CRC mismatch for rocketchat\.users/);
            assert.deepEqual(box.archiveFiles(), files, "no archive, checksum or manifest left behind");
        });

        scenario("never puts a password on a command line and removes the rendered tools config", async () => {
            const { box } = await copyOf(oneBackup);
            for (const tool of ["mongodump", "mongorestore", "mongosh"]) {
                for (const line of box.argv(tool)) {
                    assert.ok(!line.includes("pa55"), `${tool} got the password in its arguments: ${line}`);
                }
            }
            assert.deepEqual(require("fs").readdirSync(path.join(box.root, "tools")), []);
        }, oneBackup);

        scenario("a failed dump deletes nothing and removes only its own partial files", async () => {
            const { box } = await copyOf(oneBackup);
            const files = box.archiveFiles();
            box.change((s) => (s.users["admin.backup"].pwd = "rotated"));
            const result = await box.run("backup.sh");
            assert.notEqual(result.status, 0);
            assert.match(result.output, /Authentication failed/);
            assert.deepEqual(box.archiveFiles(), files);
            assert.ok(!existsSync(path.join(box.backupDir, ".lock")), "lock released after failure");
        }, oneBackup);

        scenario("does not start while a restore holds the lock, and breaks a lock left by a dead pod", async () => {
            const box = fresh();
            const { lock, now } = holdLock(box, "restore of x.archive.gz on pod-a");
            const blocked = await box.run("backup.sh");
            assert.notEqual(blocked.status, 0);
            assert.match(blocked.output, /locked by: \d+ restore of x\.archive\.gz/);
            assert.deepEqual(box.argv("mongodump"), []);
            writeFileSync(path.join(lock, "owner"), `${now - 7200} restore of x.archive.gz on pod-a\n`);
            const stale = await box.run("backup.sh", { LOCK_STALE_SECONDS: "3600" });
            assert.equal(stale.status, 0, stale.output);
            assert.match(stale.output, /breaking a stale lock/);
        });

        scenario("reproduction (issue 25 finding 4): the pre-upgrade backup, in its own directory, waits for the claim's one lock", async () => {
            const box = fresh();
            const { lock } = holdLock(box, "verification of x.archive.gz on pod-b");
            // As the upgrade guard runs it (upgradeGuardObjects.ts).
            const preUpgrade = { BACKUP_DIR: path.join(box.backupDir, "pre-upgrade"), LOCK_ROOT: box.backupDir, ARCHIVE_PREFIX: "pre-upgrade-rocketchat" };
            const blocked = await box.run("backup.sh", preUpgrade);
            assert.notEqual(blocked.status, 0);
            assert.match(blocked.output, /locked by: \d+ verification of x\.archive\.gz/);
            assert.deepEqual(box.argv("mongodump"), []);
            rmSync(lock, { recursive: true });
            const done = await box.run("backup.sh", preUpgrade);
            assert.equal(done.status, 0, done.output);
            assert.ok(!existsSync(lock), "released");
        });
    });

    describe("retention never lowers protection", () => {
        /** `count` backups, each followed by a verification. */
        const verifiedBackups = async (box: BackupSandbox, count: number) => {
            const names: string[] = [];
            for (let i = 0; i < count; i++) {
                names.push(await box.backup());
                const verified = await box.run("verify.sh");
                assert.equal(verified.status, 0, verified.output);
            }
            return names;
        };
        /** Two verified backups of the default data, made once; a scenario continues from a copy. */
        const twoVerified = shared(async () => {
            const { box, name } = await copyOf(oneBackup);
            const verified = await box.run("verify.sh");
            assert.equal(verified.status, 0, verified.output);
            return { box, names: [name, ...await verifiedBackups(box, 1)] };
        }, oneBackup);

        scenario("keeps every good archive when the database suddenly looks empty, and marks the empty dumps suspect", async () => {
            const { box, names: good } = await copyOf(twoVerified);
            box.replaceData({ rocketchat: {} });
            const empty = [await box.backup(), await box.backup(), await box.backup()];
            await box.run("verify.sh");
            empty.push(await box.backup());
            for (const name of good) {
                assert.ok(box.archives().includes(name), `${name} (verified, with data) was pruned`);
            }
            for (const name of box.archives().filter((n) => !good.includes(n))) {
                assert.ok(existsSync(path.join(box.archivesDir, `${name}.suspect`)), `${name} is not marked suspect`);
            }
            assert.match(readFileSync(path.join(box.archivesDir, `${empty[0]}.suspect`), "utf8"), /no document of the application database 'rocketchat'/);
        }, twoVerified);

        scenario("marks a dump far smaller than the newest verified archive suspect, and not one within the threshold", async () => {
            const box = fresh(chatData(100));
            await verifiedBackups(box, 1);
            box.replaceData(chatData(70));
            assert.ok(!existsSync(path.join(box.archivesDir, `${await box.backup()}.suspect`)));
            box.replaceData(chatData(20));
            const small = await box.backup();
            const again = await box.run("backup.sh");
            assert.equal(again.status, 3, "a suspect archive ends the run with exit code 3, after it is written");
            assert.match(again.output, /FAILED: .* is suspect/);
            assert.match(readFileSync(path.join(box.archivesDir, `${small}.suspect`), "utf8"), /27 documents of 'rocketchat', below 50% of the 107/);
        });

        scenario("prunes nothing while the most recent verification failed", async () => {
            const { box } = await copyOf(twoVerified);
            await box.backup();
            const newest = box.archives().at(-1)!;
            writeFileSync(path.join(box.archivesDir, newest), gzipSync("bit rot"));
            assert.notEqual((await box.run("verify.sh")).status, 0);
            assert.ok(existsSync(path.join(box.archivesDir, `${newest}.verify-failed`)));
            const before = box.archives();
            await box.backup();
            await box.backup();
            for (const name of before) {
                assert.ok(box.archives().includes(name), `${name} was pruned after a failed verification`);
            }
        }, twoVerified);

        scenario("orders archives by the sequence the dump recorded, not by a node's clock", async () => {
            const { box } = await copyOf(twoVerified);
            // A node whose clock is a day behind names its archive as the oldest.
            writeFileSync(path.join(box.log, "now"), String(1764381600 - 86400));
            const behind = await box.backup();
            assert.ok(box.archives()[0] === behind, "its name sorts first");
            assert.ok(box.archives().includes(behind), "the newest archive was pruned as the oldest");
            assert.ok(box.manifest(behind).sequence > Math.max(...box.archives().filter((a) => a !== behind).map((a) => box.manifest(a).sequence)));
        }, twoVerified);

        scenario("keeps the newest N non-suspect archives once verified, and prunes older ones", async () => {
            const { box, names: first } = await copyOf(twoVerified);
            const names = [...first, ...await verifiedBackups(box, 2)];
            assert.deepEqual(box.archives(), names.slice(-2));
        }, twoVerified);
    });

    describe("restore.sh", () => {
        scenario("replays the archive with its oplog as the restore identity; the backup user with backup and restore roles is refused", async () => {
            const box = fresh();
            box.change((s) => (s.duringDump = [{ op: "i", ns: "rocketchat.rocketchat_message", o: { _id: "late", msg: "x" } }]));
            const name = await box.backup();
            const dumped = box.manifest(name).expected;
            box.replaceData({});

            // What the first version did: the backup user, holding the built-in backup and restore roles.
            box.change((s) => (s.users["admin.backup"].roles = [{ role: "backup", db: "admin" }, { role: "restore", db: "admin" }]));
            const asBackupUser = await box.run("restore.sh", { RESTORE_ARCHIVE: name });
            assert.notEqual(asBackupUser.status, 0);
            assert.match(asBackupUser.output, /applyOps: \(Unauthorized\)/);

            box.replaceData({});
            const result = await box.restore(name);
            assert.equal(result.status, 0, result.output);
            assert.deepEqual(box.counts().rocketchat, dumped.rocketchat);
            const [, restore] = box.argv("mongorestore");
            assert.equal(restore, `--config=${box.root}/tools/tools.yaml --oplogReplay --gzip --archive=${box.archivesDir}/${name}`);
        });

        scenario("restores an archive the upgrade guard took (pre-upgrade/<name>), and refuses any other path", async () => {
            const box = fresh();
            const preUpgrade = path.join(box.backupDir, "pre-upgrade");
            const dumped = await box.run("backup.sh", { BACKUP_DIR: preUpgrade, ARCHIVE_PREFIX: "pre-upgrade-rocketchat", SUSPECT_BELOW_PERCENT: "0" });
            assert.equal(dumped.status, 0, dumped.output);
            const [name] = require("fs").readdirSync(path.join(preUpgrade, "mongodb")).filter((f: string) => f.endsWith(".archive.gz"));
            const expected = box.counts();
            box.replaceData({});
            const result = await box.restore(`pre-upgrade/${name}`);
            assert.equal(result.status, 0, result.output);
            assert.deepEqual(box.counts(), expected);
            for (const bad of [`../${name}`, `pre-upgrade/../mongodb/${name}`, "uploads/x.archive.gz"]) {
                assert.match((await box.restore(bad)).output, /RESTORE_ARCHIVE must be the file name/, bad);
            }
        });

        scenario("refuses an archive without a checksum unless restoreAllowUnchecksummedArchive opts in", async () => {
            const { box, name } = await copyOf(oneBackup);
            rmSync(path.join(box.archivesDir, `${name}.sha256`));
            const refused = await box.restore(name);
            assert.notEqual(refused.status, 0);
            assert.match(refused.output, /has no checksum file .* set restoreAllowUnchecksummedArchive/);
            assert.deepEqual(box.argv("mongorestore"), []);
            const allowed = await box.restore(name, { RESTORE_ALLOW_UNCHECKSUMMED: "true" });
            assert.equal(allowed.status, 0, allowed.output);
        }, oneBackup);

        scenario("reads the whole archive before anything is dropped: a damaged one leaves the database untouched", async () => {
            const box = fresh();
            const archive = writeArchive({
                namespaces: [{ db: "rocketchat", collection: "users", documents: [{ _id: "x" }] }],
                oplog: [],
                corrupt: { namespace: "rocketchat.users", byte: 12 },
            });
            mkdirSync(box.archivesDir, { recursive: true });
            const name = "rocketchat-20261101T021500Z.archive.gz";
            const body = gzipSync(archive);
            writeFileSync(path.join(box.archivesDir, name), body);
            writeFileSync(path.join(box.archivesDir, `${name}.sha256`), `${createHash("sha256").update(body).digest("hex")}  ${name}\n`);
            const before = box.counts();
            const result = await box.restore(name, { RESTORE_DROP: "true" });
            assert.notEqual(result.status, 0);
            assert.match(result.output, /CRC mismatch/);
            assert.deepEqual(box.counts(), before);
            assert.deepEqual(box.argv("mongorestore"), []);
        });

        scenario("refuses a tampered archive and a missing one, and waits for a running backup", async () => {
            const { box, name } = await copyOf(oneBackup);
            writeFileSync(path.join(box.archivesDir, name), gzipSync("tampered"));
            assert.match((await box.restore(name)).output, /does not match its recorded sha256/);
            assert.match((await box.restore("rocketchat-20990101T000000Z.archive.gz")).output, /does not exist/);
            mkdirSync(path.join(box.backupDir, ".lock"));
            writeFileSync(path.join(box.backupDir, ".lock", "owner"), `${readFileSync(path.join(box.log, "now"), "utf8").trim()} backup on pod-b\n`);
            assert.match((await box.restore(name)).output, /locked by: \d+ backup on pod-b/);
            assert.deepEqual(box.argv("mongorestore"), []);
        }, oneBackup);
    });

    describe("restore.sh keeps the stack's identities (issue 25, finding 2)", () => {
        /** The passwords of a stack at generation 2 of every credential (root rotated in place, the others as <name>-g2). */
        const current = { root: "r00t-pw-g2", "rocketchat-g2": "app-pw-g2", "backup-g2": "backup-pw-g2", "restore-g2": "re5tore-pw-g2", "monitoring-g2": "m0nitor-pw-g2" };
        /** The restore Job of that stack: the restore identity and the users Secret's names (restoreJob.ts). */
        const currentEnv = {
            MONGODB_USERNAME: "restore-g2", MONGODB_PASSWORD: current["restore-g2"],
            APP_USERNAME: "rocketchat-g2", BACKUP_USERNAME: "backup-g2", RESTORE_USERNAME: "restore-g2", MONITORING_USERNAME: "monitoring-g2",
        };
        /**
         * The users as bootstrap.js leaves them at generation 2: each -g2 user
         * created with the role of its generation 0, every other generation
         * dropped (the run after each rotation), root's password changed.
         */
        const rotateToGeneration2 = (box: BackupSandbox) => box.change((s) => {
            const generation0 = BackupSandbox.productionUsers();
            for (const base of ["rocketchat", "backup", "restore", "monitoring"]) {
                s.users[`admin.${base}-g2`] = { pwd: current[`${base}-g2` as keyof typeof current], roles: generation0[`admin.${base}`].roles };
                delete s.users[`admin.${base}`];
            }
            s.users["admin.root"].pwd = current.root;
        });
        /** Exactly the current users with the current passwords (and `others`), none of generation 0, and the roles as they were. */
        const assertCurrentIdentities = (box: BackupSandbox, rolesBefore: unknown, others: Record<string, string> = {}) => {
            const expected: Record<string, string> = { ...current, ...others };
            assert.deepEqual(Object.keys(box.state().users).sort(), Object.keys(expected).map((user) => `admin.${user}`).sort());
            for (const [user, password] of Object.entries(expected)) {
                assert.ok(box.logsIn(user, password), `${user} logs in with its current password`);
            }
            assert.ok(!box.logsIn("root", passwords.root), "root's generation-0 password is refused");
            assert.deepEqual(box.state().roles, rolesBefore, "the restore role keeps its live definition");
        };
        /** A generation-0 archive (oneBackup) restored into the same stack at generation 2, whose data changed since. */
        const atGeneration2 = async () => {
            const { box, name } = await copyOf(oneBackup);
            const dumped = box.counts();
            rotateToGeneration2(box);
            box.change((s) => s.data.rocketchat.rocketchat_message.push({ _id: "m-later", msg: "after the backup" }));
            return { box, name, dumped, rolesBefore: box.state().roles };
        };

        scenario("reproduction (issue 25 finding 2): without restoreDropExisting, a generation-0 archive restored at generation 2 leaves exactly the current users and passwords; no revoked user comes back", async () => {
            const { box, name, rolesBefore } = await atGeneration2();
            const result = await box.restore(name, currentEnv);
            assert.equal(result.status, 0, result.output);
            assertCurrentIdentities(box, rolesBefore);
            assert.equal(box.counts().rocketchat.rocketchat_message, 41, "documents are merged: the later message stays");
            assert.match(result.output, /dropping backup: a platform user of another generation/);
        }, oneBackup);

        scenario("reproduction (issue 25 finding 2): with restoreDropExisting, the archive's collections replace the live ones while the current users, their passwords and root's stay; a retry changes nothing", async () => {
            const { box, name, dumped, rolesBefore } = await atGeneration2();
            for (let run = 1; run <= 2; run++) {
                const result = await box.restore(name, { ...currentEnv, RESTORE_DROP: "true" });
                assert.equal(result.status, 0, `run ${run}: ${result.output}`);
                assertCurrentIdentities(box, rolesBefore);
                assert.deepEqual(box.counts(), dumped, `run ${run}: exactly the archive's documents`);
            }
            const [restore] = box.argv("mongorestore");
            assert.doesNotMatch(restore, /--drop/, "mongorestore --drop would replace the users and roles with the archive's");
        }, oneBackup);

        scenario("reproduction (issue 25 finding 2): an archive user the stack does not know comes back only if it is not a platform user of another generation; a live user the archive lacks stays", async () => {
            const { box: base } = await copyOf(oneBackup);
            // A user made by hand before the backup, dropped by hand since; another made since.
            base.change((s) => (s.users["admin.analyst"] = { pwd: "analyst-pw", roles: [{ role: "read", db: "rocketchat" }] }));
            const name = await base.backup();
            base.change((s) => {
                delete s.users["admin.analyst"];
                s.users["admin.auditor"] = { pwd: "auditor-pw", roles: [{ role: "read", db: "rocketchat" }] };
            });
            rotateToGeneration2(base);
            const rolesBefore = base.state().roles;
            for (const drop of ["false", "true"]) {
                const box = fresh(base);
                const result = await box.restore(name, { ...currentEnv, RESTORE_DROP: drop });
                assert.equal(result.status, 0, `drop ${drop}: ${result.output}`);
                assertCurrentIdentities(box, rolesBefore, { analyst: "analyst-pw", auditor: "auditor-pw" });
            }
        }, oneBackup);
    });

    describe("verify.sh restores as production restores", () => {
        scenario("runs the scratch mongod with --auth and restores as the restore identity created from the bootstrap's role file", async () => {
            const { box, name } = await copyOf(oneBackup);
            const result = await box.run("verify.sh");
            assert.equal(result.status, 0, result.output);
            const [mongod] = box.argv("mongod");
            assert.match(mongod, / --auth /);
            assert.match(readFileSync(path.join(box.backupDir, "status", "last-verify-result"), "utf8"), new RegExp(`^\\d+ ok ${name}\\n$`));
            assert.ok(existsSync(path.join(box.archivesDir, `${name}.verified`)));
        }, oneBackup);

        scenario("fails, as the production restore would, when the role definition does not allow the oplog replay", async () => {
            const { box } = await copyOf(oneBackup);
            const weakRole = path.join(box.root, "weak-role.json");
            // Enough to write collections and to merge the archive's users and roles (as the built-in restore role can), not to replay the oplog.
            const actions = ["insert", "createCollection", "createIndex", "find", "listCollections", "listDatabases", "createUser", "createRole", "grantRole", "revokeRole"];
            writeFileSync(weakRole, JSON.stringify({ role: "oplogRestore", privileges: [{ resource: { db: "", collection: "" }, actions }], roles: [] }));
            const result = await box.run("verify.sh", { RESTORE_ROLE_FILE: weakRole });
            assert.notEqual(result.status, 0);
            assert.match(result.output, /applyOps: \(Unauthorized\)/);
            assert.match(readFileSync(path.join(box.backupDir, "status", "last-verify-result"), "utf8"), / failed /);
        }, oneBackup);

        scenario("fails when the restored counts differ from the manifest by a single document", async () => {
            const { box, name } = await copyOf(oneBackup);
            const manifestFile = path.join(box.archivesDir, `${name}.manifest.json`);
            const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
            manifest.expected.rocketchat.rocketchat_message += 1;
            writeFileSync(manifestFile, JSON.stringify(manifest));
            const result = await box.run("verify.sh");
            assert.notEqual(result.status, 0);
            assert.match(result.output, /rocketchat\.rocketchat_message: restored 40 documents, the archive holds 41/);
        }, oneBackup);

        scenario("fails when there is no complete archive to verify", async () => {
            const box = fresh();
            mkdirSync(box.archivesDir, { recursive: true });
            const result = await box.run("verify.sh");
            assert.notEqual(result.status, 0);
            assert.match(result.output, /no complete archive/);
        });
    });

    describe("uploads.sh", () => {
        scenario("archives the uploads directory, records a checksum and keeps the newest N", async () => {
            const box = fresh();
            const uploads = path.join(box.root, "uploads");
            mkdirSync(path.join(uploads, "2026"), { recursive: true });
            writeFileSync(path.join(uploads, "2026", "photo.png"), "png bytes");
            const dir = path.join(box.backupDir, "uploads");
            mkdirSync(dir, { recursive: true });
            for (let day = 1; day <= 4; day++) {
                const name = `rocketchat-uploads-202511${String(day).padStart(2, "0")}T021500Z.tar.gz`;
                writeFileSync(path.join(dir, name), "old");
                writeFileSync(path.join(dir, `${name}.sha256`), "x");
            }
            const result = await box.run("uploads.sh", { UPLOADS_DIR: uploads, UPLOADS_RETENTION: "2" });
            assert.equal(result.status, 0, result.output);
            const archives = require("fs").readdirSync(dir).filter((f: string) => f.endsWith(".tar.gz")).sort();
            assert.equal(archives.length, 2);
            assert.equal(archives[0], "rocketchat-uploads-20251104T021500Z.tar.gz");
            assert.match(spawnSync("tar", ["-tzf", path.join(dir, archives[1])], { encoding: "utf8" }).stdout, /\.\/2026\/photo\.png/);
        });

        scenario("a missing uploads mount fails without deleting anything", async () => {
            const box = fresh();
            const dir = path.join(box.backupDir, "uploads");
            mkdirSync(dir, { recursive: true });
            writeFileSync(path.join(dir, "rocketchat-uploads-20251101T021500Z.tar.gz"), "old");
            const result = await box.run("uploads.sh", { UPLOADS_DIR: path.join(box.root, "absent"), UPLOADS_RETENTION: "1" });
            assert.notEqual(result.status, 0);
            assert.deepEqual(require("fs").readdirSync(dir), ["rocketchat-uploads-20251101T021500Z.tar.gz"]);
        });
    });
});
