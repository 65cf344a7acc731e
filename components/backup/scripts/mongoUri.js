/*
 * The connection string of the restore's helper scripts, from the
 * environment the Job gives them (MONGODB_HOSTS, MONGODB_URI_OPTIONS,
 * MONGODB_USERNAME, MONGODB_PASSWORD from the users Secret), so no password
 * is ever a command argument. Plain ES2020 and CommonJS: required by scripts
 * that run under mongosh (by absolute path, see restoredIdentities.js) and by
 * the tests under Node.
 */
"use strict";

function connectionString(env) {
    const auth = `${encodeURIComponent(env.MONGODB_USERNAME)}:${encodeURIComponent(env.MONGODB_PASSWORD || "")}@`;
    return `mongodb://${auth}${env.MONGODB_HOSTS}/?${env.MONGODB_URI_OPTIONS || ""}`;
}

module.exports = { connectionString };
