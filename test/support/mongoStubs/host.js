/*
 * Runs the short-lived stub tools (mongosh, mongodump, mongorestore) inside
 * the test process, each call on a fresh worker thread, instead of starting
 * a Node process per call: the backup tests make about 300 such calls, and a
 * worker costs a fraction of a process start.
 *
 * A worker is as isolated as a process for what the stubs use: its own
 * globals and module cache, its own process.argv and process.env, and
 * process.exit() ends only the worker with that code. The bash wrapper on
 * PATH (see backupSandbox.ts) connects to this host with bash's own
 * /dev/tcp, sends its pid, its tool name and two file names, and waits for
 * the exit code. The host reads the wrapper's arguments and environment from
 * /proc/<pid> and writes what the tool printed to the two files, which the
 * wrapper copies to its own stdout and stderr (Node's child processes have
 * sockets, not pipes, as stdio, and /proc/<pid>/fd/N of a socket cannot be
 * opened). Linux only, like the rest of the sandbox.
 *
 * The stub mongod stays a process of its own: the verification starts it in
 * the background and stops it with a signal.
 */
"use strict";
const fs = require("fs");
const net = require("net");
const path = require("path");
const { Worker } = require("worker_threads");

const tools = new Set(["mongosh", "mongodump", "mongorestore"]);

/** The wrapper's arguments after its own path, and its environment. */
function callOf(pid, tool) {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
    const self = argv.findIndex((arg) => arg === tool || arg.endsWith(`/${tool}`));
    const env = {};
    for (const entry of fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0) {
            env[entry.slice(0, eq)] = entry.slice(eq + 1);
        }
    }
    return { args: argv.slice(self + 1), env };
}

/** Runs one call, its output written to two files; resolves to its exit status once both are complete. */
function run(pid, tool, stdoutFile, stderrFile) {
    const { args, env } = callOf(pid, tool);
    const stdout = fs.createWriteStream(stdoutFile);
    const stderr = fs.createWriteStream(stderrFile);
    // execArgv: none of the test process's own loaders (ts-node): the stubs are plain JavaScript.
    const worker = new Worker(path.join(__dirname, `${tool}.js`), { argv: args, env, execArgv: [], stdout: true, stderr: true });
    let uncaught;
    worker.on("error", (error) => (uncaught = error));
    const closed = (stream) => new Promise((resolve, reject) => stream.on("close", resolve).on("error", reject));
    const stdoutClosed = closed(stdout);
    const stderrClosed = closed(stderr);
    const stderrEnded = new Promise((resolve) => worker.stderr.on("end", resolve));
    const exited = new Promise((resolve) => worker.on("exit", resolve));
    worker.stdout.pipe(stdout);
    worker.stderr.pipe(stderr, { end: false });
    return Promise.all([exited, stderrEnded]).then(([code]) => {
        // As Node prints an uncaught exception before it exits with 1.
        stderr.end(uncaught ? `${uncaught.stack || uncaught}\n` : undefined);
        return Promise.all([stdoutClosed, stderrClosed]).then(() => (uncaught ? 1 : code));
    });
}

/** Starts the host; resolves to the port the wrappers connect to. */
function startStubHost() {
    const server = net.createServer((socket) => {
        let request = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk) => {
            request += chunk;
            const newline = request.indexOf("\n");
            if (newline < 0) {
                return;
            }
            // "<pid> <tool> <stdout file> <stderr file>"; the files are the wrapper's, under its STUB_LOG.
            const [pid, tool, stdoutFile, stderrFile] = request.slice(0, newline).split(" ");
            if (!/^\d+$/.test(pid) || !tools.has(tool) || !stdoutFile || !stderrFile) {
                socket.end("70\n");
                return;
            }
            run(pid, tool, stdoutFile, stderrFile).then(
                (status) => socket.end(`${status}\n`),
                (error) => {
                    process.stderr.write(`stub host: ${tool}: ${error.stack || error}\n`);
                    socket.end("70\n");
                },
            );
        });
        socket.on("error", () => undefined);
    });
    // Never keeps the test process alive on its own.
    server.unref();
    return new Promise((resolve, reject) => {
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(server.address().port));
    });
}

module.exports = { startStubHost, tools };
