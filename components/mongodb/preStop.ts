/**
 * What a member does before it stops (the container's preStop hook): a
 * primary steps down first, so a planned restart (rolling update, drain)
 * hands over to a caught-up secondary by election instead of leaving the set
 * without a primary until the others notice it is gone (electionTimeoutMillis,
 * 10 s by default, plus detection). A secondary stops at once.
 *
 * mongosh runs it inside the mongod container; the root credentials are the
 * files the container already mounts (never arguments or environment).
 * replSetStepDown needs the clusterManager privileges root has.
 */

/** Where mongod's container sees the root user's name and password as files. */
export const rootCredentialsPath = "/etc/mongodb-root";

/** Seconds a stepped-down primary stays ineligible; longer than its own shutdown. */
export const stepDownSeconds = 60;
/** Seconds the primary waits for a secondary to catch up before it steps down (MongoDB's default is 10). */
export const catchUpSeconds = 15;

/**
 * The hook's script, plain ES2020 for mongosh (which offers `db`, `print` and
 * Node's `require`). Errors are printed, never thrown: a failed step-down must
 * not keep the member from stopping; mongod's own shutdown then steps down.
 */
export const stepDownScript = [
    "const hello = db.hello();",
    "if (hello.isWritablePrimary) {",
    "  const fs = require('fs');",
    `  const read = (name) => fs.readFileSync('${rootCredentialsPath}/' + name, 'utf8').trim();`,
    "  const admin = db.getSiblingDB('admin');",
    "  try {",
    "    admin.auth(read('username'), read('password'));",
    `    admin.runCommand({ replSetStepDown: ${stepDownSeconds}, secondaryCatchUpPeriodSecs: ${catchUpSeconds} });`,
    "    print('[preStop] stepped down as primary');",
    "  } catch (error) {",
    "    print('[preStop] step-down failed, mongod steps down on shutdown: ' + error.message);",
    "  }",
    "}",
].join("\n");

export function stepDownCommand(): string[] {
    return ["mongosh", "--quiet", "--norc", "--eval", stepDownScript];
}
