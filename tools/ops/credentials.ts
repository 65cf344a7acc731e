/**
 * Where the ops CLI takes a MongoDB password from when given --uri: the
 * environment (OPS_MONGODB_PASSWORD) or a file (--password-file), never the
 * command line, where every user of the machine sees it (ps, /proc/<pid>/cmdline)
 * and the shell keeps it in its history. With --stack the password comes from
 * the stack's users Secret instead (mongoSession.withCluster).
 */
import { readFileSync } from "fs";
import { OpsError } from "./errors";

export const passwordEnvironmentVariable = "OPS_MONGODB_PASSWORD";

const userInfo = /^(mongodb(?:\+srv)?:\/\/)([^@/]*)@/;

/** Undefined when `uri` carries no password, else why it is refused. */
export function passwordInUriProblem(uri: string): string | undefined {
    const info = userInfo.exec(uri)?.[2];
    return info !== undefined && info.includes(":")
        ? `a URI without a password (a password on the command line is visible to every user of this machine and stays in shell history): put the user in the URI and the password in ${passwordEnvironmentVariable} or a file named by --password-file`
        : undefined;
}

/** The password from --password-file (first line) or the environment; undefined when neither is given. */
export function readPassword(passwordFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (passwordFile !== undefined) {
        try {
            return readFileSync(passwordFile, "utf8").split(/\r?\n/)[0];
        } catch (error) {
            throw new OpsError(`cannot read --password-file ${passwordFile}: ${(error as Error).message}`);
        }
    }
    return env[passwordEnvironmentVariable];
}

/** The user a URI names, for messages; undefined when none. */
export function uriUser(uri: string): string | undefined {
    const info = userInfo.exec(uri)?.[2];
    return info === undefined ? undefined : decodeURIComponent(info.split(":")[0]);
}

/** The URI with `password` added for the user it names; in memory only, never printed. */
export function withPassword(uri: string, password: string | undefined): string {
    const match = userInfo.exec(uri);
    if (!match) {
        if (password !== undefined) {
            throw new OpsError(`a password was given (${passwordEnvironmentVariable} or --password-file) but the --uri names no user: use mongodb://<user>@host/...`);
        }
        return uri;
    }
    if (password === undefined) {
        throw new OpsError(`the --uri names user '${decodeURIComponent(match[2])}': give its password in ${passwordEnvironmentVariable} or a file named by --password-file`);
    }
    return uri.replace(userInfo, `$1$2:${encodeURIComponent(password)}@`);
}
