/**
 * A sandbox in which the real backup shell scripts run against a simulated
 * replica set: the stub tools of test/support/mongoStubs (mongosh, mongodump,
 * mongorestore, mongod) on PATH enforce MongoDB's refusals, a stub `date`
 * advances one hour per archive name so runs never collide, and every stub
 * records its arguments for the "no password on a command line" checks.
 */
import { spawn } from "child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as ts from "typescript";

const root = path.join(__dirname, "..", "..");
export const scriptsDir = path.join(root, "components", "backup", "scripts");
export const restoreRoleFile = path.join(root, "components", "mongodb", "restoreRole.json");
/** Shipped with the scripts at /scripts/userGenerations.js in the pods (components/backup/layout.ts). */
export const userGenerationsModule = path.join(root, "components", "mongodb", "userGenerations.js");
const stubsDir = path.join(__dirname, "mongoStubs");
const server = require("./mongoStubs/server.js");
const { startStubHost, tools: stubHostTools } = require("./mongoStubs/host.js") as { startStubHost: () => Promise<number>; tools: Set<string> };
let stubHostPort: Promise<number> | undefined;

/**
 * The stubs' privilege model as plain JavaScript, transpiled once per test
 * process: every stub call is then a plain `node` start (about half the cost
 * of one that loads a TypeScript hook and transpiles on the way).
 */
let privilegesModule: string | undefined;
function transpiledPrivileges(): string {
    if (!privilegesModule) {
        const dir = mkdtempSync(path.join(tmpdir(), "backup-stub-modules-"));
        process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
        // mongoPrivileges.ts imports only mongoBuiltinRoles.ts.
        for (const file of ["mongoPrivileges.ts", "mongoBuiltinRoles.ts"]) {
            const source = readFileSync(path.join(__dirname, file), "utf8");
            const output = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: file }).outputText;
            writeFileSync(path.join(dir, file.replace(/\.ts$/, ".js")), output);
        }
        privilegesModule = path.join(dir, "mongoPrivileges.js");
    }
    return privilegesModule;
}

export const passwords = { root: "r00t-pw", app: "app-pw", backup: "pa55'word-with-a-quote", restore: "re5tore-pw", monitoring: "m0nitor-pw" };
export const hosts = ["m-0.h.ns.svc.cluster.local:27017", "m-1.h.ns.svc.cluster.local:27017", "m-2.h.ns.svc.cluster.local:27017"];
const restoreRole = JSON.parse(readFileSync(restoreRoleFile, "utf8"));

export type Documents = Record<string, Record<string, Array<Record<string, unknown>>>>;

/** Rocket.Chat-like data: settings, users and `messages` messages. */
export function chatData(messages: number): Documents {
    return {
        rocketchat: {
            rocketchat_settings: Array.from({ length: 5 }, (_, i) => ({ _id: `setting-${i}`, value: i })),
            users: [{ _id: "u1", username: "alice" }, { _id: "u2", username: "bob" }],
            rocketchat_message: Array.from({ length: messages }, (_, i) => ({ _id: `m${i}`, msg: `hello ${i}` })),
        },
    };
}

export class BackupSandbox {
    readonly root = mkdtempSync(path.join(tmpdir(), "backup-sandbox-"));
    readonly backupDir = path.join(this.root, "backup");
    readonly archivesDir = path.join(this.backupDir, "mongodb");
    readonly log = path.join(this.root, "log");
    readonly stateFile = path.join(this.root, "replica-set.json");
    private readonly env: NodeJS.ProcessEnv;

    /** A fresh deployment holding `data`, or a copy of `from` in the state its runs left (files, archives, deployment, logs). */
    constructor(from: Documents | BackupSandbox = chatData(40), users = BackupSandbox.productionUsers()) {
        const bin = path.join(this.root, "bin");
        this.env = {
            PATH: `${bin}:${process.env.PATH}`,
            STUB_LOG: this.log,
            STUB_SERVERS: path.join(this.root, "servers.json"),
            STUB_PRIVILEGES_MODULE: transpiledPrivileges(),
            BACKUP_DIR: this.backupDir,
            TMPDIR: path.join(this.root, "tmp"),
            TOOLS_CONFIG_DIR: path.join(this.root, "tools"),
            SCRATCH_DIR: path.join(this.root, "scratch"),
            ARCHIVE_PREFIX: "rocketchat",
            BACKUP_RETENTION: "2",
            APP_DATABASE: "rocketchat",
            SUSPECT_BELOW_PERCENT: "50",
            MONGODB_HOSTS: hosts.join(","),
            MONGODB_REPLICA_SET: "rs0",
            MONGODB_USERNAME: "backup",
            MONGODB_PASSWORD: passwords.backup,
            RESTORE_ROLE_FILE: restoreRoleFile,
            // The restore Job's: the current platform users by name, from the users Secret (restoredIdentities.js).
            USER_GENERATIONS_MODULE: userGenerationsModule,
            APP_USERNAME: "rocketchat",
            BACKUP_USERNAME: "backup",
            RESTORE_USERNAME: "restore",
            MONITORING_USERNAME: "monitoring",
            SCRATCH_RESTORE_USER: "verification",
            LOCK_POLL_SECONDS: "1",
            LOCK_WAIT_SECONDS: "1",
            SCRATCH_POLL_SECONDS: "0.1",
        };
        if (from instanceof BackupSandbox) {
            // Nothing in the copied files names the old root except the registry of servers.
            cpSync(from.root, this.root, { recursive: true });
        } else {
            for (const dir of [bin, this.log, this.backupDir, path.join(this.root, "tools"), path.join(this.root, "tmp"), path.join(this.root, "scratch")]) {
                mkdirSync(dir, { recursive: true });
            }
            for (const tool of ["mongosh", "mongodump", "mongorestore", "mongod"]) {
                const file = path.join(bin, tool);
                const record = `printf '%s\\n' "$*" >>"$STUB_LOG/${tool}.argv"`;
                // The short-lived tools run on a worker thread of the test process (mongoStubs/host.js);
                // mongod, started in the background and stopped by a signal, stays a process.
                const call = stubHostTools.has(tool)
                    ? [
                        `out="$STUB_LOG/host.$$.out" err="$STUB_LOG/host.$$.err"`,
                        `exec 3<>"/dev/tcp/127.0.0.1/$STUB_HOST_PORT"`,
                        `printf '%s ${tool} %s %s\\n' "$$" "$out" "$err" >&3`,
                        "read -r status <&3",
                        `cat "$out"; cat "$err" >&2; rm -f "$out" "$err"`,
                        `exit "\${status:-70}"`,
                    ].join("\n")
                    : `exec node ${path.join(stubsDir, `${tool}.js`)} "$@"`;
                // bash by its path: /usr/bin/env would add an exec and a PATH search to each of the ~700 stub and date calls of a run.
                writeFileSync(file, `#!/bin/bash\n${record}\n${call}\n`);
                chmodSync(file, 0o755);
            }
            // One hour later on every archive-name time stamp, starting at a fixed date.
            writeFileSync(path.join(this.log, "now"), "1764381600");
            // The scripts call `date -u +FORMAT` about 40 times a run: bash formats those
            // itself (printf %(...)T) instead of starting /bin/date, which gets any other form.
            writeFileSync(path.join(bin, "date"), [
                "#!/bin/bash",
                'read -r now <"$STUB_LOG/now"',
                'case "$*" in *%Y%m%dT%H%M%SZ*) echo $((now + 3600)) >"$STUB_LOG/now" ;; esac',
                'if [ "$#" -eq 2 ] && [ "$1" = -u ] && [ "${2#+}" != "$2" ]; then TZ=UTC0 printf "%(${2#+})T\\n" "$now"; exit; fi',
                'exec /bin/date -d "@$now" "$@"',
                "",
            ].join("\n"));
            chmodSync(path.join(bin, "date"), 0o755);
            server.save(this.stateFile, server.replicaSetState({ hosts, users, roles: { [`admin.${restoreRole.role}`]: { privileges: restoreRole.privileges, roles: restoreRole.roles } }, data: from }));
        }
        writeFileSync(this.env.STUB_SERVERS!, JSON.stringify(Object.fromEntries(hosts.map((h) => [h, this.stateFile]))));
    }

    /** The users the replica-set bootstrap creates at generation 0 (see components/mongodb/bootstrap.js desiredUsers). */
    static productionUsers(): Record<string, { pwd: string; roles: Array<{ role: string; db: string }> }> {
        return {
            "admin.root": { pwd: passwords.root, roles: [{ role: "root", db: "admin" }] },
            "admin.rocketchat": { pwd: passwords.app, roles: [{ role: "readWrite", db: "rocketchat" }] },
            "admin.backup": { pwd: passwords.backup, roles: [{ role: "backup", db: "admin" }] },
            "admin.restore": { pwd: passwords.restore, roles: [{ role: restoreRole.role, db: "admin" }] },
            "admin.monitoring": { pwd: passwords.monitoring, roles: [{ role: "clusterMonitor", db: "admin" }] },
        };
    }

    /** Runs a script (of components/backup/scripts, or an absolute path) with bash; scenarios run side by side, so this does not block. */
    run(script: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<{ status: number | null; output: string }> {
        stubHostPort ??= startStubHost();
        return stubHostPort.then((port) => new Promise((resolve, reject) => {
            const child = spawn("bash", [path.resolve(scriptsDir, script), ...args], { env: { ...this.env, STUB_HOST_PORT: String(port), ...env }, timeout: 60000 });
            const stdout: Buffer[] = [];
            const stderr: Buffer[] = [];
            child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
            child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
            child.on("error", reject);
            child.on("close", (status) => resolve({ status, output: `${Buffer.concat(stdout)}${Buffer.concat(stderr)}` }));
        }));
    }

    /** restore.sh as the production restore Job runs it: the restore identity. */
    restore(archive: string, env: NodeJS.ProcessEnv = {}): ReturnType<BackupSandbox["run"]> {
        return this.run("restore.sh", { RESTORE_ARCHIVE: archive, MONGODB_USERNAME: "restore", MONGODB_PASSWORD: passwords.restore, ...env });
    }

    state() {
        return server.load(this.stateFile);
    }

    /** Changes the simulated deployment (data, members, writes during the next dump). */
    change(edit: (state: any) => void): void {
        const state = this.state();
        edit(state);
        server.save(this.stateFile, state);
    }

    /** Replaces the whole data set at once (the next dump sees it). */
    replaceData(data: Documents): void {
        this.change((state) => {
            state.data = data;
            server.applyWrite(state, { op: "n", ns: "", o: { msg: "data replaced by the test" } });
            state.history[state.history.length - 1].counts = server.countsOf(data);
        });
    }

    /** Whether `user` logs in with `password`, as the stub server checks a login (a created user's password, a restored one's SCRAM key). */
    logsIn(user: string, password: string): boolean {
        const record = this.state().users[`admin.${user}`];
        return record !== undefined && server.passwordMatches(record, password);
    }

    counts(): Record<string, Record<string, number>> {
        return server.countsOf(this.state().data);
    }

    argv(tool: string): string[] {
        const file = path.join(this.log, `${tool}.argv`);
        return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
    }

    /** Every file under the archives directory, sorted. */
    archiveFiles(): string[] {
        return existsSync(this.archivesDir) ? readdirSync(this.archivesDir).filter((f) => !f.startsWith(".")).sort() : [];
    }

    archives(): string[] {
        return this.archiveFiles().filter((f) => f.endsWith(".archive.gz"));
    }

    manifest(archive: string): any {
        return JSON.parse(readFileSync(path.join(this.archivesDir, `${archive}.manifest.json`), "utf8"));
    }

    /** Runs a backup and returns the archive it wrote. */
    async backup(env: NodeJS.ProcessEnv = {}): Promise<string> {
        const before = new Set(this.archives());
        const result = await this.run("backup.sh", env);
        // 3: written, but suspect (see backup.sh).
        if (result.status !== 0 && result.status !== 3) {
            throw new Error(`backup.sh failed: ${result.output}`);
        }
        const added = this.archives().filter((a) => !before.has(a));
        if (added.length !== 1) {
            throw new Error(`expected one new archive, got ${added.join(", ")}`);
        }
        return added[0];
    }
}
