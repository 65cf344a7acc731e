/**
 * The decisions behind a restore that keeps the stack's MongoDB identities
 * (issue 25, finding 2), in milliseconds: which users the restore drops
 * (backup/scripts/restoredIdentities.js, by the bootstrap's own rule in
 * mongodb/userGenerations.js), which collections it drops in place of
 * mongorestore --drop (archivedCollections.js), that the simulated server
 * merges users and roles as _mergeAuthzCollections does with and without
 * drop, and that the restore Job hands the script what it reads.
 * test/backupScripts.test.ts runs the scripts themselves.
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { paths } from "../components/backup/layout";
import { previousUsernames } from "../components/credentialObjects";
import { planCredentials, initialCredentials } from "../components/credentialPlan";
import { recordFor } from "../components/platform";
import { instance, platformBuild, restoreCase } from "./support/platformBuild";
import { privilegeTable } from "./support/privilegeTable";
import { settingsFor } from "./support/settings";

/* eslint-disable @typescript-eslint/no-var-requires */
const generations = require("../components/mongodb/userGenerations.js");
const { identityRepair, identityProblems, platformUsernames, platformUsernameVariables } = require("../components/backup/scripts/restoredIdentities.js");
const { collectionsToDrop } = require("../components/backup/scripts/archivedCollections.js");
const bootstrap = require("../components/mongodb/bootstrap.js");
const server = require("./support/mongoStubs/server.js");
/* eslint-enable @typescript-eslint/no-var-requires */

const repo = path.join(__dirname, "..");
const admin = (...names: string[]) => names.map((user) => ({ user, db: "admin" }));
const generation2 = ["rocketchat-g2", "backup-g2", "restore-g2", "monitoring-g2"];

describe("restore identities: which users a restore keeps (restoredIdentities.js)", () => {
    it("drops the platform users of other generations an archive brought back, and nobody else", () => {
        const afterMerge = { users: [...admin("root", ...generation2, "rocketchat", "backup", "restore-g1", "monitoring", "analyst"), { user: "rocketchat", db: "reporting" }] };
        assert.deepEqual(identityRepair(generations, afterMerge, generation2, []), { drop: ["rocketchat", "backup", "restore-g1", "monitoring"], missing: [] });
    });

    it("keeps the previous generation in a rotation run, as the bootstrap does, and drops older ones", () => {
        const users = { users: admin("root", "rocketchat-g2", "rocketchat-g1", "rocketchat", "backup-g2", "restore-g2", "monitoring-g2") };
        assert.deepEqual(identityRepair(generations, users, generation2, ["rocketchat-g1"]).drop, ["rocketchat"]);
    });

    it("drops what the bootstrap's planUsers drops for the same users: one rule", () => {
        const users = { users: admin("root", "rocketchat-g1", "rocketchat", "backup", "backup-g2", "restore-g2", "monitoring-g2", "monitoring-g7", "analyst") };
        const desired = generation2.map((user) => ({ user, pwd: "p", roles: [] }));
        const bootstrapDrops = bootstrap.planUsers(users, desired, ["rocketchat-g1"]).filter((s: any) => s.command === "dropUser").map((s: any) => s.user.user);
        assert.deepEqual(identityRepair(generations, users, generation2, ["rocketchat-g1"]).drop, bootstrapDrops);
        assert.deepEqual(bootstrapDrops, ["rocketchat", "backup", "monitoring-g7"]);
    });

    it("reports a current user that does not exist, and an other generation left, as problems", () => {
        const repair = identityRepair(generations, { users: admin("root", "rocketchat-g2", "backup-g2", "restore-g2", "backup") }, generation2, []);
        assert.deepEqual(repair, { drop: ["backup"], missing: ["monitoring-g2"] });
        const problems = identityProblems(repair);
        assert.equal(problems.length, 2);
        assert.match(problems[0], /^backup still exists/);
        assert.match(problems[1], /^monitoring-g2 does not exist: the bootstrap creates it/);
        assert.deepEqual(identityProblems(identityRepair(generations, { users: admin("root", ...generation2) }, generation2, [])), []);
    });

    it("reads every current user name from the environment, and refuses to guess a missing one", () => {
        const env = Object.fromEntries(platformUsernameVariables.map((name: string, i: number) => [name, generation2[i]]));
        assert.deepEqual(platformUsernames(env), generation2);
        assert.throws(() => platformUsernames({ ...env, MONITORING_USERNAME: "" }), /MONITORING_USERNAME not set/);
    });
});

describe("restoreDropExisting without --drop: the collections mongorestore --drop would drop (archivedCollections.js)", () => {
    it("every namespace of the archive but system collections; a time-series collection once, by its own name", () => {
        const report = {
            namespaces: Object.fromEntries([
                "rocketchat.users", "rocketchat.rocketchat_message", "rocketchat.system.views", "rocketchat.active_rooms",
                "admin.system.users", "admin.system.roles", "admin.system.version", "metrics.readings", "metrics.system.buckets.readings", "metrics.system.buckets.other",
            ].map((ns) => [ns, { documents: 1, metadata: true, type: "" }])),
        };
        assert.deepEqual(collectionsToDrop(report), [
            { db: "metrics", collection: "readings" },
            { db: "metrics", collection: "other" },
            { db: "rocketchat", collection: "active_rooms" },
            { db: "rocketchat", collection: "rocketchat_message" },
            { db: "rocketchat", collection: "users" },
        ]);
    });
});

describe("the simulated server merges users and roles as _mergeAuthzCollections does (test/support/mongoStubs/server.js)", () => {
    const archived = () => {
        const state = { users: { "admin.root": { pwd: "old-root", roles: [] }, "admin.backup": { pwd: "old-backup", roles: [] } }, roles: { "admin.oplogRestore": { privileges: ["old"], roles: [] } } };
        return server.authzDocuments(state);
    };
    const live = () => ({
        users: { "admin.root": { pwd: "new-root", roles: [] }, "admin.backup-g2": { pwd: "new-backup", roles: [] } },
        roles: { "admin.oplogRestore": { privileges: ["new"], roles: [] } },
    });

    it("dumps credentials, never a password, and a restored user logs in with the password it had when dumped", () => {
        const documents = archived();
        assert.ok(!JSON.stringify(documents).includes("old-root"));
        assert.ok(server.passwordMatches({ credentials: documents.users[0].credentials }, "old-root"));
        assert.ok(!server.passwordMatches({ credentials: documents.users[0].credentials }, "new-root"));
    });

    it("with drop, only the archive's users and roles survive, same names overwritten (_processUsers with drop: true)", () => {
        const state = live();
        server.mergeAuthzCollections(state, archived(), true);
        assert.deepEqual(Object.keys(state.users).sort(), ["admin.backup", "admin.root"]);
        assert.ok(server.passwordMatches(state.users["admin.root"], "old-root"), "root's password reverts to the archive's");
        assert.deepEqual((state.roles as any)["admin.oplogRestore"].privileges, ["old"]);
    });

    it("without drop, live users and roles are kept as they are and the archive's others added (_addUser: insert, duplicate key skipped)", () => {
        const state = live();
        const warnings = server.mergeAuthzCollections(state, archived(), false);
        assert.deepEqual(Object.keys(state.users).sort(), ["admin.backup", "admin.backup-g2", "admin.root"]);
        assert.ok(server.passwordMatches(state.users["admin.root"], "new-root"), "root keeps its live password");
        assert.deepEqual((state.roles as any)["admin.oplogRestore"].privileges, ["new"]);
        assert.equal(warnings.length, 2, "root and the role: duplicate keys, logged and skipped");
    });

    it("logs out a session whose user the merge removed (reacquireUser: UserNotFound)", () => {
        const state = live();
        const conn = { state, user: "backup-g2", userId: undefined };
        assert.ok(server.sessionValid(conn));
        server.mergeAuthzCollections(state, archived(), true);
        assert.ok(!server.sessionValid(conn));
        assert.throws(() => server.authorize({ ...conn, state: { ...state, auth: true } }, { resource: { anyResource: true }, action: "anyAction" }), /command requires authentication/);
    });
});

describe("restore identities, bound to the code", () => {
    const envOf = (job: any) => Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    const restoreJob = (objects: any[]) => objects.find((o) => o.kind === "Job" && /-restore-/.test(o.metadata.name));

    it("the restore Job gives the script every current user name from the users Secret, and the shared rule beside the scripts", () => {
        const { objects } = platformBuild("dev", restoreCase);
        const env = envOf(restoreJob(objects));
        const names = Object.keys(env).filter((name) => name.endsWith("_USERNAME") && name !== "MONGODB_USERNAME");
        assert.deepEqual(names, platformUsernameVariables);
        for (const name of names) {
            assert.deepEqual(env[name].valueFrom.secretKeyRef, { name: `${instance}-mongodb-users`, key: `${name.replace(/_USERNAME$/, "").toLowerCase()}-username` });
        }
        assert.equal(env.USER_GENERATIONS_MODULE.value, paths.userGenerations);
        assert.ok(!("PREVIOUS_USERNAMES" in env), "nothing rotates");
        const scripts = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${instance}-backup-scripts`);
        assert.equal(scripts.data[path.basename(paths.userGenerations)], readFileSync(path.join(repo, "components", "mongodb", "userGenerations.js"), "utf8"));
    });

    it("in a rotation run the restore keeps the previous generation the bootstrap keeps", () => {
        const rotate = { mongodbAppPasswordGeneration: 1 };
        const generation0 = recordFor(instance, settingsFor("dev"));
        const { objects } = platformBuild("dev", { ...restoreCase, ...rotate }, undefined, generation0);
        const bootstrapEnv = envOf(objects.find((o) => o.kind === "Job" && /-mongodb-bootstrap-/.test(o.metadata.name)));
        assert.deepEqual(JSON.parse(envOf(restoreJob(objects)).PREVIOUS_USERNAMES.value), ["rocketchat"]);
        assert.deepEqual(envOf(restoreJob(objects)).PREVIOUS_USERNAMES, bootstrapEnv.PREVIOUS_USERNAMES);
        assert.deepEqual(previousUsernames(planCredentials(initialCredentials, { ...initialCredentials.credentialGenerations, app: 1 })), ["rocketchat"]);
    });

    it("the restore scripts send exactly the commands of the restore identity's rows", () => {
        const sent = (file: string) => [...readFileSync(path.join(repo, "components", "backup", "scripts", file), "utf8").matchAll(/runCommand\(\{\s*(\w+)\s*:/g)].map((m) => m[1]);
        const rows = privilegeTable({ appRole: { role: "readWrite", db: "rocketchat" }, restoreRole: { role: "oplogRestore", db: "admin", privileges: [], roles: [] } }, [])
            .filter((row) => row.identity === "restore");
        const commandsOf = (fragment: string) => rows.find((row) => row.id.includes(fragment))!.commands;
        assert.deepEqual(sent("archivedCollections.js"), commandsOf("archivedCollections.js"));
        assert.deepEqual([...new Set(sent("restoredIdentities.js"))], commandsOf("restoredIdentities.js"));
    });
});
