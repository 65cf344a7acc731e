/*
 * One long-lived worker thread of the stub host (host.js). It runs stub tool
 * calls one after another, each as a process would run it, so that a call
 * costs a module load (about a millisecond) instead of a new worker (about
 * 40 ms of CPU). For each call:
 *   - process.argv and process.env are the wrapper's, process.exitCode is unset;
 *   - every module outside node_modules is loaded afresh (the stub, the
 *     server simulation, the backup script under test), so no state passes
 *     from one call to the next; bson stays loaded;
 *   - stdout and stderr are collected apart and written to the two files the
 *     wrapper names, which it copies to its own stdout and stderr;
 *   - the call ends when its event loop is empty, as a process ends: Node
 *     emits 'beforeExit' in the worker then, with the exit code in
 *     process.exitCode. Async work of a call (timers, streams, promises) is
 *     therefore waited for, not cut short;
 *   - process.exit() (mongosh's quit(), a tool's fail()) really ends this
 *     worker, which no try/catch of a script can stop: the output files are
 *     written in the 'exit' event and the host takes the code from the
 *     worker's exit, then starts a new worker for later calls. So does an
 *     uncaught exception (its stack on stderr, code 1), as Node does.
 * After a call, globals it added or replaced (mongosh's Mongo, print, quit...),
 * process listeners it added and timers it left behind unreferenced are
 * removed, as the end of a process would remove them.
 *
 * Jobs arrive on a MessagePort, referenced only while the worker waits for
 * one: during a call only the call's own work keeps the event loop alive, so
 * the loop's emptiness means "this call is done". (Waiting with a blocking
 * Atomics.wait instead deadlocked now and then: Node drains the platform's
 * background tasks between loop turns, and those of a parked isolate may
 * not finish.)
 */
"use strict";
const fs = require("fs");
const path = require("path");
const timers = require("timers");
const { workerData } = require("worker_threads");

const { port } = workerData;
const writeFileSync = fs.writeFileSync;

/** The call in progress: { stdoutFile, stderrFile, stdout: Buffer[], stderr: Buffer[], timers: Set }. */
let call;

function capture(stream, key) {
    stream.write = (chunk, encoding, callback) => {
        const done = typeof encoding === "function" ? encoding : callback;
        call[key].push(typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8") : Buffer.from(chunk));
        if (done) {
            process.nextTick(done);
        }
        return true;
    };
}
capture(process.stdout, "stdout");
capture(process.stderr, "stderr");

// Timers are tracked per call, so that one left unreferenced (which would not keep a process alive) dies with the call.
const timerKinds = { setTimeout: "clearTimeout", setInterval: "clearInterval", setImmediate: "clearImmediate" };
for (const [start, clear] of Object.entries(timerKinds)) {
    const original = timers[start];
    const tracked = function (...args) {
        const handle = original.apply(this, args);
        call.timers.add(() => timers[clear](handle));
        return handle;
    };
    globalThis[start] = timers[start] = tracked;
}

function writeOutput() {
    writeFileSync(call.stdoutFile, Buffer.concat(call.stdout));
    writeFileSync(call.stderrFile, Buffer.concat(call.stderr));
}

// A real exit ends the worker; what the call printed still reaches the wrapper.
process.on("exit", () => {
    if (call) {
        writeOutput();
    }
});
process.on("uncaughtException", (error) => {
    call.stderr.push(Buffer.from(`${(error && error.stack) || error}\n`));
    process.exit(1);
});

// What a call may change and the next call must not see (taken at the end of this file, after its own listeners).
let pristineGlobals;
let pristineListeners;
const sameDescriptor = (a, b) => a.value === b.value && a.get === b.get && a.set === b.set;

function restorePristine() {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(globalThis))) {
        const pristine = pristineGlobals[name];
        if (!pristine) {
            delete globalThis[name];
        } else if (!sameDescriptor(pristine, descriptor)) {
            Object.defineProperty(globalThis, name, pristine);
        }
    }
    for (const name of process.eventNames()) {
        const kept = pristineListeners.get(name) || [];
        for (const listener of process.listeners(name)) {
            if (!kept.includes(listener)) {
                process.removeListener(name, listener);
            }
        }
    }
    for (const key of Object.keys(require.cache)) {
        if (!key.includes(`${path.sep}node_modules${path.sep}`)) {
            delete require.cache[key];
        }
    }
}

/** Runs the job's tool up to the end of its synchronous part; its async work follows on the event loop. */
function start(job) {
    call = { stdoutFile: job.stdoutFile, stderrFile: job.stderrFile, stdout: [], stderr: [], timers: new Set() };
    const tool = path.join(__dirname, `${job.tool}.js`);
    process.argv = [process.execPath, tool, ...job.args];
    process.env = { ...job.env };
    process.exitCode = undefined;
    try {
        require(tool);
    } catch (error) {
        process.emit("uncaughtException", error);
    }
}

function finish() {
    call.timers.forEach((clear) => clear());
    writeOutput();
    const code = process.exitCode === undefined ? 0 : Number(process.exitCode);
    call = undefined;
    restorePristine();
    port.postMessage({ code });
}

port.on("message", (job) => {
    port.unref();
    start(job);
});
process.on("beforeExit", () => {
    if (call) {
        finish();
        port.ref();
    }
});

pristineGlobals = Object.getOwnPropertyDescriptors(globalThis);
pristineListeners = new Map(process.eventNames().map((name) => [name, process.listeners(name)]));
