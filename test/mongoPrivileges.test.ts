/**
 * Least privilege for the MongoDB users, checked against the privilege table
 * (test/support/privilegeTable.ts) and MongoDB's own role definitions
 * (test/support/mongoBuiltinRoles.ts): each user the bootstrap creates can
 * run every command of its Jobs and tools, holds no role none of them needs,
 * and only the restore identity can do anything anywhere. The table is bound
 * to the code: the bootstrap's roles and users (bootstrap.js), the exporter's
 * arguments and credentials (rendered prod stack) and the ops CLI's commands
 * (tools/ops/*.ts), so changing either side alone fails here.
 */
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { objectsOfKind } from "../tools/resourceList";
import { mongodbObjects } from "./support/mongodbObjects";
import { builtStack } from "./support/platformBuild";
import { AuthorizingServer, codes, describeNeed, grants, missing, privilegesOf, RoleName, UserDefinedRole } from "./support/mongoPrivileges";
import { CommandRow, exporterRows, Identity, privilegeTable } from "./support/privilegeTable";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const bootstrap = require("../components/mongodb/bootstrap.js");

const repo = path.join(__dirname, "..");
const restoreRoleText = readFileSync(path.join(repo, "components", "mongodb", "restoreRole.json"), "utf8");
const restoreRole = JSON.parse(restoreRoleText);

/** The bootstrap's view of the users, from the environment the Job gets. */
const env = {
    APP_DATABASE: "rocketchat",
    APP_USERNAME: "rocketchat",
    APP_PASSWORD: "p",
    BACKUP_USERNAME: "backup",
    BACKUP_PASSWORD: "p",
    RESTORE_USERNAME: "restore",
    RESTORE_PASSWORD: "p",
    MONITORING_USERNAME: "monitoring",
    MONITORING_PASSWORD: "p",
    RESTORE_ROLE: restoreRoleText,
};
const identityOfUser: Record<string, Identity> = { rocketchat: "app", backup: "backup", restore: "restore", monitoring: "monitoring" };
const createdIdentities: Identity[] = ["app", "backup", "restore", "monitoring"];

const userDefinedRoles: UserDefinedRole[] = bootstrap.desiredRoles(env);
const rolesOf: Record<Identity, RoleName[]> = {
    // The root user comes from the mongo image's entrypoint (MONGO_INITDB_ROOT_USERNAME), role root.
    root: [{ role: "root", db: "admin" }],
    ...Object.fromEntries(bootstrap.desiredUsers(env).map((u: { user: string; roles: RoleName[] }) => [identityOfUser[u.user], u.roles])),
} as Record<Identity, RoleName[]>;

/** The exporter's container as prod builds it. */
async function exporterContainer(): Promise<any> {
    const run = builtStack("prod");
    const deployment = objectsOfKind(run, "Deployment").find((d) => d.metadata.name.endsWith("mongodb-exporter"));
    assert.ok(deployment, "prod declares the MongoDB exporter");
    return deployment.spec.template.spec.containers.find((c: any) => c.name === "exporter");
}

async function table(): Promise<CommandRow[]> {
    const grantsFor = { appRole: rolesOf.app[0], restoreRole: userDefinedRoles[0] };
    return privilegeTable(grantsFor, (await exporterContainer()).args);
}

const rowsOf = (rows: CommandRow[], identity: Identity) => rows.filter((r) => r.identity === identity);
const failing = (roles: RoleName[], rows: CommandRow[]) =>
    rows.flatMap((row) => missing(privilegesOf(roles, userDefinedRoles), row.needs).map((need) => `${row.id}: ${describeNeed(need)}`));

describe("MongoDB privileges: the table against the users the bootstrap creates", () => {
    it("gives every row a source and at least one server command", async () => {
        for (const row of await table()) {
            assert.ok(row.source.length > 20, `${row.id} says where its needs come from`);
            assert.ok(row.commands.length > 0, `${row.id} names its commands`);
        }
    });

    for (const identity of ["root", ...createdIdentities] as Identity[]) {
        it(`${identity}: its roles grant every action its commands need`, async () => {
            const rows = rowsOf(await table(), identity);
            assert.ok(rows.length > 0, `${identity} runs something`);
            assert.deepEqual(failing(rolesOf[identity], rows), []);
        });
    }

    for (const identity of createdIdentities) {
        it(`${identity}: holds no role its commands do without (least privilege per role)`, async () => {
            const rows = rowsOf(await table(), identity);
            for (const role of rolesOf[identity]) {
                const without = rolesOf[identity].filter((r) => r !== role);
                assert.ok(failing(without, rows).length > 0, `${identity} holds ${role.role}@${role.db} but no command needs it`);
            }
        });
    }

    it("lets only the restore identity do anything anywhere (anyAction)", () => {
        const anyAction = { resource: { anyResource: true as const }, action: "anyAction" };
        const holders = (Object.keys(rolesOf) as Identity[]).filter((identity) => grants(privilegesOf(rolesOf[identity], userDefinedRoles), anyAction));
        assert.deepEqual(holders, ["restore"]);
        assert.deepEqual(restoreRole.privileges, [{ resource: { anyResource: true }, actions: ["anyAction"] }]);
    });

    it("reproduces the old defect: backup + restore roles cannot replay the oplog, and restore served no backup command", async () => {
        const rows = await table();
        const oldBackupGrant: RoleName[] = [{ role: "backup", db: "admin" }, { role: "restore", db: "admin" }];
        const replay = rows.filter((r) => r.id.startsWith("restore: mongorestore --oplogReplay"));
        assert.equal(replay.length, 1);
        assert.deepEqual(failing(oldBackupGrant, replay), [`${replay[0].id}: anyAction on {"anyResource":true}`]);
        assert.deepEqual(failing([{ role: "backup", db: "admin" }], rowsOf(rows, "backup")), [], "the backup role alone serves every backup command");
    });

    describe("what MongoDB's built-in roles grant (builtin_roles.yml)", () => {
        const can = (role: string, action: string, resource: any) => grants(privilegesOf([{ role, db: "admin" }]), { resource, action });

        it("backup reads every normal collection, the oplog and config.transactions, lists databases and may run serverStatus", () => {
            assert.ok(can("backup", "find", { db: "rocketchat", collection: "rocketchat_message" }));
            assert.ok(can("backup", "find", { db: "local", collection: "oplog.rs" }));
            assert.ok(can("backup", "find", { db: "config", collection: "transactions" }));
            assert.ok(can("backup", "find", { db: "admin", collection: "system.users" }));
            assert.ok(can("backup", "listDatabases", { cluster: true }));
            assert.ok(can("backup", "serverStatus", { cluster: true }));
            assert.ok(!can("backup", "insert", { db: "rocketchat", collection: "rocketchat_message" }), "backup writes nothing of the chat");
            assert.ok(!can("backup", "replSetGetStatus", { cluster: true }));
        });

        it("restore inserts but cannot update or remove application documents, so an oplog with updates or deletes fails", () => {
            assert.ok(can("restore", "insert", { db: "rocketchat", collection: "rocketchat_message" }));
            assert.ok(can("restore", "applyOps", { cluster: true }));
            assert.ok(!can("restore", "update", { db: "rocketchat", collection: "rocketchat_message" }));
            assert.ok(!can("restore", "remove", { db: "rocketchat", collection: "rocketchat_message" }));
        });

        it("clusterMonitor covers the exporter, including collStats and find on local.oplog.rs, and no chat data", () => {
            assert.ok(can("clusterMonitor", "collStats", { db: "local", collection: "oplog.rs" }));
            assert.ok(can("clusterMonitor", "find", { db: "local", collection: "oplog.rs" }), "inherited read@local");
            assert.ok(!can("clusterMonitor", "find", { db: "rocketchat", collection: "rocketchat_message" }));
        });

        it("any normal resource excludes local, config and system collections (ResourcePatternSearchList)", () => {
            const readAny = (resource: any) => grants(privilegesOf([{ role: "readAnyDatabase", db: "admin" }]), { resource, action: "find" });
            assert.ok(readAny({ db: "rocketchat", collection: "users" }));
            assert.ok(!readAny({ db: "local", collection: "oplog.rs" }));
            assert.ok(!readAny({ db: "admin", collection: "system.users" }));
        });
    });

    describe("bound to the code", () => {
        it("every exporter flag that selects collectors has rows, and the exporter connects as the monitoring user", async () => {
            const container = await exporterContainer();
            const known = Object.keys(exporterRows());
            const selecting = (container.args as string[]).map((a) => a.split("=")[0]).filter((a) => /^--(collector\.|compatible-mode|collect-all|discovering-mode)/.test(a));
            assert.ok(selecting.length > 0);
            for (const flag of selecting) {
                assert.ok(known.includes(flag), `exporter flag ${flag}: add the commands it runs to the privilege table (exporterRows)`);
            }
            const user = container.env.find((e: any) => e.name === "MONGODB_USER");
            assert.equal(user.valueFrom.secretKeyRef.key, "monitoring-username");
        });

        it("the bootstrap Job creates the users of the table from the users Secret and the role file", () => {
            const { replicaSet, credentials } = mongodbObjects("prod");
            const job: any = replicaSet.bootstrap.job;
            const jobEnv = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
            for (const [variable, key] of [["ROOT_USERNAME", "root-username"], ["RESTORE_USERNAME", "restore-username"], ["RESTORE_PASSWORD", "restore-password"],
                ["BACKUP_USERNAME", "backup-username"], ["MONITORING_USERNAME", "monitoring-username"]]) {
                assert.equal(jobEnv[variable].valueFrom.secretKeyRef.key, key, variable);
                assert.equal(jobEnv[variable].valueFrom.secretKeyRef.name, "rocketchat-mongodb-users", variable);
            }
            assert.equal(jobEnv.RESTORE_ROLE.value, restoreRoleText, "RESTORE_ROLE is restoreRole.json, unchanged");
            const users = credentials.mongoUsers.stringData!;
            assert.equal(users["restore-username"], "restore");
        });

        it("each ops CLI command runs as the identity and sends the commands its row names", () => {
            const opsDir = path.join(repo, "tools", "ops");
            const driverCalls: Record<string, string> = { find: "find", findOne: "find", aggregate: "aggregate", countDocuments: "aggregate", watch: "aggregate",
                insertOne: "insert", insertMany: "insert", updateOne: "update", updateMany: "update", deleteOne: "delete", deleteMany: "delete" };
            const commandsIn = (text: string) => new Set([
                // db.command({ name: 1 }) and the session's own adminCommand({ name: 1 }) wrapper.
                ...[...text.matchAll(/(?:\.command|\badminCommand)\(\{\s*(\w+)\s*:/g)].map((m) => m[1]),
                ...[...text.matchAll(/\.collection(?:<[^>]*>)?\([^)]*\)\s*\.(\w+)\(/g)].map((m) => driverCalls[m[1]] ?? `unknown driver call ${m[1]}`),
            ]);
            const source = (file: string) => readFileSync(path.join(opsDir, file), "utf8");
            // Every connection pings first (mongoSession.ts withUri).
            const shared = commandsIn(source("mongoSession.ts"));
            const rowOfFile: Record<string, string> = { "statusCommand.ts": "ops status", "settingsCommand.ts": "ops settings" };
            const rows = privilegeTable({ appRole: rolesOf.app[0], restoreRole: userDefinedRoles[0] }, []);
            for (const file of readdirSync(opsDir).filter((f) => f.endsWith(".ts") && f !== "mongoSession.ts")) {
                const sent = commandsIn(source(file));
                if (sent.size === 0) {
                    continue;
                }
                assert.ok(rowOfFile[file], `tools/ops/${file} sends ${[...sent].join(", ")}: add a row to the privilege table`);
                const row = rows.find((r) => r.id.startsWith(rowOfFile[file]))!;
                assert.deepEqual(new Set([...sent, ...shared]), new Set(row.commands), `tools/ops/${file} against "${row.id}"`);
                const identity = /withCluster\([^;]*?,\s*"(\w+)"/s.exec(source(file))?.[1];
                assert.equal(identity, row.identity, `tools/ops/${file} connects as ${identity}`);
            }
        });
    });
});

describe("MongoDB privileges: creating the restore identity in the verification's scratch mongod (--auth, localhost exception)", () => {
    const roleName = { role: restoreRole.role, db: "admin" };

    it("refuses the role first: the localhost exception grants createUser and grantRole on admin, not createRole", () => {
        const server = new AuthorizingServer();
        assert.equal(server.createRole(undefined, restoreRole).code, codes.Unauthorized);
        assert.equal(server.createUser(undefined, "restore", [roleName]).code, codes.RoleNotFound, "nor can the restore user come first: its role does not exist");
        assert.equal(server.localhostExceptionOpen, true, "nothing was created");
    });

    it("works in this order: a user administrator under the exception (which closes it), then as that user the role, then the restore user", () => {
        const server = new AuthorizingServer();
        assert.equal(server.createUser(undefined, "setup", [{ role: "userAdmin", db: "admin" }]).ok, 1);
        assert.equal(server.localhostExceptionOpen, false, "the first user closes the exception");
        assert.equal(server.createRole(undefined, restoreRole).code, codes.Unauthorized, "no longer without authentication");
        assert.equal(server.createRole("setup", restoreRole).ok, 1);
        assert.equal(server.createUser("setup", "restore", [roleName]).ok, 1);
        const replay = privilegeTable({ appRole: { role: "readWrite", db: "rocketchat" }, restoreRole: userDefinedRoles[0] }, [])
            .find((r) => r.id.startsWith("restore: mongorestore --oplogReplay"))!;
        assert.ok(server.allows("restore", replay.needs), "the restore user can replay the oplog");
        assert.ok(!server.allows("setup", replay.needs), "the setup user cannot");
    });

    it("closes the exception on any user or role document, e.g. roles restored from an archive", () => {
        const server = new AuthorizingServer();
        server.roles.push({ role: "fromArchive", db: "admin", privileges: [], roles: [] });
        assert.equal(server.localhostExceptionOpen, false);
        assert.equal(server.createUser(undefined, "setup", [{ role: "userAdmin", db: "admin" }]).code, codes.Unauthorized);
    });

    it("the verification's own script (scratchUsers.js) sends exactly that order, and its identity can replay the oplog", () => {
        const { scratchCommands } = require("../components/backup/scripts/scratchUsers.js");
        const commands = scratchCommands(restoreRole, { SCRATCH_ADMIN_PASSWORD: "a", SCRATCH_RESTORE_USER: "restore-verification", VERIFY_PASSWORD: "b" });
        const server = new AuthorizingServer();
        let admin: string | undefined;
        for (const [who, command] of commands) {
            const as = who === "localhost" ? undefined : admin;
            const reply = command.createUser
                ? server.createUser(as, command.createUser, command.roles)
                : server.createRole(as, { role: command.createRole, privileges: command.privileges, roles: command.roles });
            assert.equal(reply.ok, 1, `${JSON.stringify(command)} as ${as ?? "localhost"}: ${JSON.stringify(reply)}`);
            admin = admin ?? command.createUser;
        }
        const replay = privilegeTable({ appRole: { role: "readWrite", db: "rocketchat" }, restoreRole: userDefinedRoles[0] }, [])
            .find((r) => r.id.startsWith("restore: mongorestore --oplogReplay"))!;
        assert.ok(server.allows("restore-verification", replay.needs));
    });
});
