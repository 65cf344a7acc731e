/*
 * The stack's identities after a restore, run by restore.sh under mongosh
 * once mongorestore is done:
 *   APP_USERNAME=... BACKUP_USERNAME=... RESTORE_USERNAME=... MONITORING_USERNAME=... \
 *   [PREVIOUS_USERNAMES='[...]'] USER_GENERATIONS_MODULE=/scripts/userGenerations.js \
 *   MONGODB_HOSTS=... MONGODB_URI_OPTIONS=... mongosh --nodb --file restoredIdentities.js
 * The user names come from the users Secret, as the bootstrap reads them;
 * PREVIOUS_USERNAMES is the bootstrap's too (only in a rotation run).
 *
 * Decision (issue 25, finding 2): whatever the archive holds, a restore
 * leaves the users, roles and passwords the stack's Secrets hold, and no
 * user an earlier rotation revoked.
 *  - Live identities are never replaced. mongorestore merges the archive's
 *    admin.system.users and admin.system.roles through _mergeAuthzCollections
 *    (mongo-tools mongorestore/metadata.go RestoreUsersOrRoles, for every full
 *    restore: ShouldRestoreUsersAndRoles). With drop: true it would replace
 *    them with the archive's, so restore.sh never passes --drop
 *    (archivedCollections.js drops the collections instead). With drop: false
 *    the server inserts each archived user and role, a name that exists live
 *    fails with a duplicate key that is logged and skipped, and nothing is
 *    removed (src/mongo/db/commands/user_management_commands.cpp _addUser,
 *    _addRole: "update" only with drop). Root, the current generation's users
 *    and the restore role keep what the bootstrap set from the Secrets, and
 *    the restore identity stays logged in through the oplog replay.
 *  - What the merge adds is the archive's users that do not exist live.
 *    Platform users of another generation (rocketchat or backup-g1 in a
 *    stack now at -g2: revoked since the dump, with their old passwords) are
 *    dropped here by the bootstrap's own rule (mongodb/userGenerations.js),
 *    keeping the previous generation only in a rotation run, as the
 *    bootstrap does. Users of other names (made by hand) stay as the archive
 *    has them; one that exists live keeps its live password.
 * Not chosen: recording the live users and re-applying them afterwards.
 * createUser and updateUser take a password, not a stored SCRAM key, and
 * admin.system.users is written only through the internal
 * _mergeAuthzCollections; keeping the live users untouched needs neither,
 * nor any password beyond the restore identity's own.
 */
"use strict";

/** The variables holding the current platform users' names (bootstrapJob.ts platformUsernameEnv). */
const platformUsernameVariables = ["APP_USERNAME", "BACKUP_USERNAME", "RESTORE_USERNAME", "MONITORING_USERNAME"];

/** The current platform users, from the environment; every one must be set. */
function platformUsernames(env) {
    const unset = platformUsernameVariables.filter((name) => !env[name]);
    if (unset.length > 0) {
        throw new Error(`${unset.join(", ")} not set: the restore Job takes them from the users Secret`);
    }
    return platformUsernameVariables.map((name) => env[name]);
}

/**
 * What to do about the users after mongorestore, given `usersInfo: 1` of
 * admin, the current platform users (platformUsernames), the previous
 * generation kept this run (PREVIOUS_USERNAMES) and `generations`
 * (mongodb/userGenerations.js, shipped beside this script).
 * Returns { drop: [names of other generations], missing: [current users that do not exist] }.
 */
function identityRepair(generations, usersInfoReply, platform, previous) {
    const users = (usersInfoReply.users || []).filter((u) => u.db === "admin");
    return {
        drop: generations.otherGenerations(users, platform, previous),
        missing: platform.filter((name) => !users.some((u) => u.user === name)),
    };
}

/** The postcondition, as sentences: empty when the repair left only the stack's platform users. */
function identityProblems(repair) {
    return [
        ...repair.drop.map((name) => `${name} still exists: a platform user of another generation, revoked by a rotation since the archive was taken`),
        ...repair.missing.map((name) => `${name} does not exist: the bootstrap creates it from the users Secret; rerun it (pulumi up)`),
    ];
}

if (typeof module === "object" && module.exports) {
    module.exports = { platformUsernameVariables, platformUsernames, identityRepair, identityProblems };
}

if (typeof Mongo === "function" && typeof quit === "function") {
    const env = process.env;
    const { connectionString } = require(`${__dirname}/mongoUri.js`);
    const generations = require(env.USER_GENERATIONS_MODULE);
    const platform = platformUsernames(env);
    const previous = JSON.parse(env.PREVIOUS_USERNAMES || "[]");
    const admin = new Mongo(connectionString(env)).getDB("admin");
    const repair = identityRepair(generations, admin.runCommand({ usersInfo: 1 }), platform, previous);
    for (const name of repair.drop) {
        print(`[restore] dropping ${name}: a platform user of another generation that the archive brought back`);
        admin.runCommand({ dropUser: name, writeConcern: { w: "majority" } });
    }
    const problems = identityProblems(identityRepair(generations, admin.runCommand({ usersInfo: 1 }), platform, previous));
    problems.forEach((problem) => print(`[restore] ${problem}`));
    if (problems.length > 0) {
        quit(1);
    }
    print(`[restore] identities kept: ${[...platform, ...previous].join(", ")} and root, with the passwords they had before the restore`);
}
