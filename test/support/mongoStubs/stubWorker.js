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
 *   - the call ends when nothing of its own keeps the event loop alive (no
 *     timer, immediate, pending fs request, socket... beyond the worker's
 *     own job port: process.getActiveResourcesInfo()), which is when a
 *     process would exit, with the exit code in process.exitCode. Async work
 *     of a call is therefore waited for, not cut short;
 *   - process.exit() (mongosh's quit(), a tool's fail()) really ends this
 *     worker, which no try/catch of a script can stop: the output files are
 *     written in the 'exit' event and the host takes the code from the
 *     worker's exit, then starts a new worker for later calls. So does an
 *     uncaught exception (its stack on stderr, code 1), as Node does.
 * A call's own 'beforeExit' and 'exit' listeners run as Node runs them at a
 * process's natural end. After a call, globals it added or replaced
 * (mongosh's Mongo, print, quit...), process listeners it added and timers
 * it left behind unreferenced are removed, as the end of a process would
 * remove them.
 *
 * The worker's event loop never runs empty: its job port stays referenced.
 * Letting it run empty between calls (and waiting for the next job in
 * 'beforeExit') deadlocked now and then: Node then drains the platform's
 * background tasks (NodePlatform::DrainTasks), and a concurrent compile job
 * of another worker, waiting for a garbage collection on that worker's
 * thread, never finished (seen with gdb on Node 20.20.2).
 */
"use strict";
const fs = require("fs");
const path = require("path");
const timers = require("timers");
const { setImmediate: nextTurn, setTimeout: later } = timers;
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

/** The listeners the call itself added for a process event. */
function callListeners(name) {
    const kept = pristineListeners.get(name) || [];
    return process.listeners(name).filter((listener) => !kept.includes(listener));
}

const exitCode = () => (process.exitCode === undefined ? 0 : Number(process.exitCode));

function finish() {
    // As at a process's natural end: its 'exit' listeners run, with the exit code.
    callListeners("exit").forEach((listener) => listener.call(process, exitCode()));
    call.timers.forEach((clear) => clear());
    writeOutput();
    const code = exitCode();
    call = undefined;
    restorePristine();
    port.postMessage({ code });
}

/** Resource types (with counts) that keep the loop alive beyond the worker's own, when it waits for a job. */
let idleResources;
const countsOf = (types) => types.reduce((counts, type) => counts.set(type, (counts.get(type) || 0) + 1), new Map());

/** Checks on each turn of the loop whether the call still has work; finishes it when it has none. */
function finishWhenQuiet() {
    // Inside an immediate, that immediate itself no longer counts.
    nextTurn(() => {
        if (busy()) {
            later(finishWhenQuiet, 1);
            return;
        }
        // As Node does when a process's loop runs empty: 'beforeExit' may schedule more work.
        callListeners("beforeExit").forEach((listener) => listener.call(process, exitCode()));
        if (busy()) {
            later(finishWhenQuiet, 1);
        } else {
            finish();
        }
    });
}

function busy() {
    const now = countsOf(process.getActiveResourcesInfo());
    return [...now].some(([type, count]) => count > (idleResources.get(type) || 0));
}

port.on("message", (job) => {
    start(job);
    finishWhenQuiet();
});
idleResources = countsOf(process.getActiveResourcesInfo());

pristineGlobals = Object.getOwnPropertyDescriptors(globalThis);
pristineListeners = new Map(process.eventNames().map((name) => [name, process.listeners(name)]));
