/*
 * Command-line handling shared by the stub mongodump and mongorestore:
 * options in --name=value or --name value form, refusing unknown ones as the
 * real tools do ("error parsing command line options: unknown option"), and
 * the --config YAML file (uri and password; mongo-tools common/options).
 */
"use strict";
const fs = require("fs");

function parseToolArgs(argv, known) {
    const options = {};
    for (let index = 0; index < argv.length; index++) {
        const [name, inline] = argv[index].split(/=(.*)/s);
        if (!(name in known)) {
            fail(`error parsing command line options: unknown option "${name}"`, 3);
        }
        options[name] = known[name] ? (inline !== undefined ? inline : argv[++index]) : true;
    }
    return options;
}

function yamlScalar(text) {
    return text.startsWith("'") ? text.slice(1, -1).replace(/''/g, "'") : text;
}

/** { uri, password } from --config or --uri. */
function connectionOptions(options) {
    if (options["--config"]) {
        const config = {};
        for (const line of fs.readFileSync(options["--config"], "utf8").split("\n").filter(Boolean)) {
            const colon = line.indexOf(":");
            config[line.slice(0, colon).trim()] = yamlScalar(line.slice(colon + 1).trim());
        }
        return { uri: config.uri, password: config.password };
    }
    return { uri: options["--uri"] || "mongodb://localhost:27017/", password: undefined };
}

function fail(message, code = 1) {
    console.error(`${new Date().toISOString()}\tFailed: ${message}`);
    process.exit(code);
}

module.exports = { parseToolArgs, connectionOptions, fail };
