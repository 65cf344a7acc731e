/*
 * Stub mongod for the verification's scratch server: refuses options the
 * real one refuses (an unknown option: "Error parsing command line:
 * unrecognised option"; a WiredTiger cache outside 0.25..10000 GB, the
 * bounds of wiredTigerCacheSizeGB in the server's wiredtiger_global_options.idl),
 * then serves an empty standalone deployment on --port until it is stopped,
 * with authentication only when started with --auth.
 */
"use strict";
const path = require("path");
const server = require("./server");

const valued = new Set(["--dbpath", "--bind_ip", "--port", "--wiredTigerCacheSizeGB", "--logpath"]);
const flags = new Set(["--auth"]);
const options = {};
const args = process.argv.slice(2);
for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (valued.has(arg)) {
        options[arg] = args[++index];
    } else if (flags.has(arg)) {
        options[arg] = true;
    } else {
        console.error(`Error parsing command line: unrecognised option '${arg}'`);
        process.exit(2);
    }
}
const cache = Number(options["--wiredTigerCacheSizeGB"] || 0.25);
if (!(cache >= 0.25 && cache <= 10000)) {
    console.error(`Bad value for parameter "wiredTigerCacheSizeGB": ${cache} is not in range [0.25, 10000]`);
    process.exit(2);
}
const host = `${options["--bind_ip"]}:${options["--port"]}`;
const file = path.join(options["--dbpath"], "stub-state.json");
server.save(file, {
    auth: Boolean(options["--auth"]), setName: null, members: { [host]: { state: "STANDALONE" } },
    users: {}, roles: {}, data: {}, oplog: [{ ts: { t: 1, i: 1 }, op: "n", ns: "", o: {} }], history: [], snapshotHistoryStart: null,
});
server.register(host, file);
const stop = () => {
    server.unregister(host);
    process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setInterval(() => {}, 1000);
