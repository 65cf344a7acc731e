/*
 * Runs the short-lived stub tools (mongosh, mongodump, mongorestore) inside
 * the test process, on long-lived worker threads (stubWorker.js) that run
 * one call after another, instead of starting a Node process per call: the
 * backup tests make about 260 such calls, and reusing a worker makes a call
 * cost a module load instead of a Node start (process) or an isolate start
 * (a new worker, about 40 ms of CPU each).
 *
 * A call is as isolated as a process for what the stubs use: its own
 * process.argv and process.env, its modules loaded afresh, the globals and
 * listeners it added removed afterwards, stdout and stderr apart, and
 * process.exit() (mongosh's quit()) ends the worker itself with that code,
 * so no try/catch of a script can swallow it (see stubWorker.js). The bash
 * wrapper on PATH (see backupSandbox.ts) connects to this host with bash's
 * own /dev/tcp, sends its pid, its tool name and two file names, and waits
 * for the exit code. The host reads the wrapper's arguments and environment
 * from /proc/<pid> and the worker writes what the tool printed to the two
 * files, which the wrapper copies to its own stdout and stderr (Node's child
 * processes have sockets, not pipes, as stdio, and /proc/<pid>/fd/N of a
 * socket cannot be opened). Linux only, like the rest of the sandbox.
 *
 * The stub mongod stays a process of its own: the verification starts it in
 * the background and stops it with a signal.
 */
"use strict";
const fs = require("fs");
const net = require("net");
const path = require("path");
const { MessageChannel, Worker } = require("worker_threads");

const tools = new Set(["mongosh", "mongodump", "mongorestore"]);

/** The wrapper's arguments after its own path, its environment and its working directory. */
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
    return { args: argv.slice(self + 1), env, cwd: fs.realpathSync(`/proc/${pid}/cwd`) };
}

/**
 * A worker thread that runs calls one at a time; `run` resolves to a call's
 * exit status. After a call that ended with process.exit() the worker is gone
 * (`alive` false) and the pool starts another.
 */
class StubWorker {
    constructor() {
        const { port1, port2 } = new MessageChannel();
        this.port = port1;
        this.alive = true;
        this.pending = undefined;
        // execArgv: none of the test process's own loaders (ts-node): the stubs are plain JavaScript.
        this.worker = new Worker(path.join(__dirname, "stubWorker.js"), {
            workerData: { port: port2 }, transferList: [port2], execArgv: [],
        });
        this.port.on("message", ({ code }) => this.settle(code));
        this.worker.on("error", (error) => {
            process.stderr.write(`stub host: worker failed: ${error.stack || error}\n`);
            this.settle(70);
        });
        this.worker.on("exit", (code) => {
            this.alive = false;
            this.settle(code);
        });
        // Never keeps the test process alive on its own.
        this.worker.unref();
        this.port.unref();
    }

    settle(code) {
        const pending = this.pending;
        this.pending = undefined;
        pending?.(code);
    }

    run(job) {
        return new Promise((resolve) => {
            this.pending = resolve;
            this.port.postMessage(job);
        });
    }
}

const idle = [];

/** Runs one call on an idle worker (or a new one); resolves to its exit status once both output files are complete. */
async function run(pid, tool, stdoutFile, stderrFile) {
    const { args, env, cwd } = callOf(pid, tool);
    if (cwd !== fs.realpathSync(process.cwd())) {
        // A worker cannot change directory: relative paths would resolve against the wrong one.
        throw new Error(`the ${tool} call runs in ${cwd}, the stub host in ${process.cwd()}`);
    }
    const worker = idle.pop() || new StubWorker();
    const status = await worker.run({ tool, args, env, stdoutFile, stderrFile });
    if (worker.alive) {
        idle.push(worker);
    }
    return status;
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
