"use strict";
// Entry point of `npm run render`: TypeScript through the transpile cache
// (.cache/ts-transpiled, keyed by file content), then the CLI.
require("./tsTranspileCache");
require("./render.ts").runCli(process.argv.slice(2));
