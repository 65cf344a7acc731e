/*
 * The privilege model (test/support/mongoPrivileges.ts) for the stubs.
 * The stubs run as plain `node` so that a spawn costs only Node's own
 * start-up: the sandbox transpiles the TypeScript model once per test run and
 * names the JavaScript in STUB_PRIVILEGES_MODULE. Loaded from a process that
 * already reads TypeScript (mocha), the source is used directly.
 */
"use strict";
module.exports = require(process.env.STUB_PRIVILEGES_MODULE || "../mongoPrivileges.ts");
