/*
 * Creates, in the verification's scratch mongod (started with --auth), the
 * identity the production restore uses, run by mongosh:
 *   SCRATCH_URI_HOST=127.0.0.1:27017 RESTORE_ROLE_FILE=<json> \
 *   SCRATCH_ADMIN_PASSWORD=... SCRATCH_RESTORE_USER=... VERIFY_PASSWORD=... mongosh --nodb --file scratchUsers.js
 *
 * The restore role's definition is read from the same file the replica-set
 * bootstrap uses, so the verification proves the production role, not a
 * copy of it. Order matters: a fresh --auth mongod lets an unauthenticated
 * localhost client create only the first user or role (the localhost
 * exception closes as soon as a user or role exists), so the first command
 * creates a user administrator, which then creates the role and the restore
 * identity. Passwords come from the environment, never the command line.
 * Plain ES2020.
 */
"use strict";

/** The commands, in order, as [who runs it: "localhost" | "admin", command]. */
function scratchCommands(role, env) {
    return [
        ["localhost", { createUser: "scratch-admin", pwd: env.SCRATCH_ADMIN_PASSWORD, roles: [{ role: "userAdmin", db: "admin" }] }],
        ["admin", { createRole: role.role, privileges: role.privileges, roles: role.roles }],
        ["admin", { createUser: env.SCRATCH_RESTORE_USER, pwd: env.VERIFY_PASSWORD, roles: [{ role: role.role, db: "admin" }] }],
    ];
}

if (typeof module === "object" && module.exports) {
    module.exports = { scratchCommands };
}

if (typeof Mongo === "function" && typeof quit === "function") {
    const fs = require("fs");
    const env = process.env;
    const role = JSON.parse(fs.readFileSync(env.RESTORE_ROLE_FILE, "utf8"));
    // Connected when first used: the administrator exists only after the first command.
    const uris = {
        localhost: `mongodb://${env.SCRATCH_URI_HOST}/?directConnection=true`,
        admin: `mongodb://scratch-admin:${encodeURIComponent(env.SCRATCH_ADMIN_PASSWORD)}@${env.SCRATCH_URI_HOST}/?directConnection=true&authSource=admin`,
    };
    const clients = {};
    for (const [who, command] of scratchCommands(role, env)) {
        clients[who] = clients[who] || new Mongo(uris[who]);
        clients[who].getDB("admin").runCommand(command);
    }
}
