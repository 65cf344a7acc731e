/*
 * Stub mongosh: runs the backup scripts' JavaScript files (--nodb --file X)
 * in Node with mongosh's globals (Mongo, Timestamp, print, quit, sleep)
 * backed by the simulated deployment, and answers the one --eval the scripts
 * use (a ping). Like mongosh, a command the server refuses throws
 * (MongoServerError with the server's code), which ends the script non-zero.
 */
"use strict";
const server = require("./server");

const args = process.argv.slice(2);
const fileIndex = args.indexOf("--file");

class Mongo {
    constructor(uri) {
        this.connection = server.connect(uri);
    }
    getDB(name) {
        const conn = this.connection;
        return {
            runCommand: (command) => server.runCommand(conn, name, command),
            adminCommand: (command) => server.runCommand(conn, "admin", typeof command === "string" ? { [command]: 1 } : command),
        };
    }
}

if (fileIndex >= 0) {
    Object.assign(globalThis, {
        Mongo,
        Timestamp: ({ t, i }) => ({ t, i }),
        print: (...values) => console.log(...values),
        quit: (code = 0) => process.exit(code),
        sleep: (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms),
    });
    require(require("path").resolve(args[fileIndex + 1]));
} else {
    const evalIndex = args.indexOf("--eval");
    const uri = args.find((a) => a.startsWith("mongodb://"));
    if (evalIndex < 0 || !uri) {
        console.error(`stub mongosh: unsupported arguments ${args.join(" ")}`);
        process.exit(2);
    }
    try {
        const db = new Mongo(uri).getDB("test");
        console.log(new Function("db", `return (${args[evalIndex + 1]});`)(db));
    } catch (error) {
        console.error(`MongoNetworkError: ${error.message}`);
        process.exit(1);
    }
}
