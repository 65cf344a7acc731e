/*
 * Which MongoDB users are another generation of a platform user: the one
 * rule the bootstrap (bootstrap.js planUsers, after a rotation) and the
 * restore (backup/scripts/restoredIdentities.js, after an archive brought
 * old users back) share. Generation N of a user is <name>-g<N>
 * (components/credentialPlan.ts generationUsername), so the users of one
 * family are the names equal once -g<N> is removed. Root, whose password
 * rotates in place, and users of any other name are nobody's generation.
 *
 * Pure, plain ES2020 and CommonJS: bootstrap.js requires it under mongosh
 * (a --file script may require() a Node.js module by absolute path: MongoDB
 * Shell manual, "Differences Between require() and load()"), the restore's
 * script and the tests under Node.
 */
"use strict";

/** A user's generation-0 name: `backup-g3` -> `backup`. */
function generationBase(name) {
    return name.replace(/-g\d+$/, "");
}

/**
 * The admin users of `users` (usersInfo's `users`: { user, db }) that belong
 * to the family of a `wanted` user but are neither wanted nor `kept` (the
 * previous generation, kept for pods not restarted yet in a rotation run).
 */
function otherGenerations(users, wanted, kept) {
    const families = new Set(wanted.map(generationBase));
    const keep = new Set([...wanted, ...(kept || [])]);
    return users
        .filter((u) => u.db === "admin" && families.has(generationBase(u.user)) && !keep.has(u.user))
        .map((u) => u.user);
}

module.exports = { generationBase, otherGenerations };
