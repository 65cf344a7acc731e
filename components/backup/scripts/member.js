/*
 * Chooses the one replica-set member a backup dumps from, run by mongosh:
 *   MONGODB_HOSTS=h0:27017,h1:27017 SELECTION_FILE=<json> HOST_FILE=<text> mongosh --nodb --file member.js
 *
 * `mongodump --oplog` must read one member: its collections and its oplog
 * window have to come from the same server, which a replica-set URI does not
 * promise (each operation may select another member). So every member is
 * asked `hello` over a direct connection (the command needs no privilege),
 * and the backup then connects to the chosen host with directConnection=true.
 *
 * Choice: the SECONDARY of this set with the newest last write (the smallest
 * lag), so the primary carries no dump load; the primary when no secondary
 * answers; none when no member answers as either. Plain ES2020.
 */
"use strict";

/** {t, i} of a BSON timestamp from mongosh (t/i getters) or JSON. */
function timestampParts(ts) {
    if (!ts) {
        return null;
    }
    const t = typeof ts.t === "number" ? ts.t : ts.high >>> 0;
    const i = typeof ts.i === "number" ? ts.i : ts.low >>> 0;
    return { t, i };
}

function compareTimestamps(a, b) {
    return a.t !== b.t ? a.t - b.t : a.i - b.i;
}

/** The member's last write optime from a `hello` reply (lastWrite.opTime.ts), or null. */
function lastWriteOf(hello) {
    return timestampParts(hello && hello.lastWrite && hello.lastWrite.opTime && hello.lastWrite.opTime.ts);
}

/**
 * `answers` = [{ host, hello } | { host, error }]. Returns { host, role,
 * optime, lagSeconds } or { error } naming what every member answered.
 */
function chooseMember(answers, replicaSetName) {
    const members = answers
        .filter((a) => a.hello && a.hello.ok === 1 && a.hello.setName === replicaSetName && !a.hello.arbiterOnly)
        .map((a) => ({ host: a.host, hello: a.hello, optime: lastWriteOf(a.hello) }))
        .filter((m) => m.optime);
    const primary = members.find((m) => m.hello.isWritablePrimary === true);
    const secondaries = members
        .filter((m) => m.hello.secondary === true)
        .sort((a, b) => compareTimestamps(b.optime, a.optime) || (a.host < b.host ? -1 : 1));
    const chosen = secondaries[0] || primary;
    if (!chosen) {
        const seen = answers.map((a) => `${a.host}: ${a.error ? a.error : a.hello && a.hello.setName !== replicaSetName ? `set '${a.hello.setName}'` : "neither primary nor secondary"}`);
        return { error: `no member of replica set '${replicaSetName}' can be dumped (${seen.join("; ")})` };
    }
    return {
        host: chosen.host,
        role: chosen === primary ? "PRIMARY" : "SECONDARY",
        optime: chosen.optime,
        lagSeconds: primary ? Math.max(0, primary.optime.t - chosen.optime.t) : null,
    };
}

if (typeof module === "object" && module.exports) {
    module.exports = { timestampParts, compareTimestamps, lastWriteOf, chooseMember };
}

if (typeof Mongo === "function" && typeof quit === "function") {
    const fs = require("fs");
    const env = process.env;
    const auth = `${encodeURIComponent(env.MONGODB_USERNAME)}:${encodeURIComponent(env.MONGODB_PASSWORD)}@`;
    const answers = env.MONGODB_HOSTS.split(",").map((host) => {
        try {
            const client = new Mongo(`mongodb://${auth}${host}/?directConnection=true&authSource=admin&serverSelectionTimeoutMS=10000&connectTimeoutMS=10000`);
            return { host, hello: client.getDB("admin").runCommand({ hello: 1 }) };
        } catch (error) {
            return { host, error: error.message };
        }
    });
    const choice = chooseMember(answers, env.MONGODB_REPLICA_SET);
    if (choice.error) {
        print(`[member] ${choice.error}`);
        quit(1);
    }
    fs.writeFileSync(env.SELECTION_FILE, JSON.stringify(choice));
    fs.writeFileSync(env.HOST_FILE, choice.host);
}
