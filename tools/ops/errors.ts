/**
 * Errors the ops CLI reports as one clear sentence and an exit code, instead
 * of a stack trace: 2 for "could not check" (usage, unreachable cluster or
 * database, wrong credentials, unknown stack). A check that ran and found a
 * problem exits 1 (see cli.ts).
 */
export const exitCodes = { ok: 0, problemFound: 1, couldNotCheck: 2 } as const;

export class OpsError extends Error {
    constructor(message: string, readonly exitCode: number = exitCodes.couldNotCheck) {
        super(message);
        this.name = "OpsError";
    }
}

/** Driver error names and codes that mean "reachable, but refused these credentials". */
const authenticationCodes = new Set([18, 13]);

/** Turns a MongoDB driver error into an OpsError naming where and what to check. */
export function explainMongoError(error: unknown, where: string, user?: string): OpsError {
    const e = error as { name?: string; code?: number; codeName?: string; message?: string };
    if (typeof e.code === "number" && authenticationCodes.has(e.code)) {
        return new OpsError(`MongoDB at ${where} refused the credentials${user ? ` of user '${user}'` : ""} (${e.codeName ?? e.code}): check the users Secret or the --uri credentials`);
    }
    if (e.name === "MongoServerSelectionError" || e.name === "MongoNetworkError" || e.name === "MongoNetworkTimeoutError") {
        return new OpsError(`cannot reach MongoDB at ${where}: ${e.message}`);
    }
    if (e.name === "MongoParseError" || e.name === "MongoInvalidArgumentError") {
        return new OpsError(`invalid MongoDB URI: ${e.message}`);
    }
    return new OpsError(`MongoDB at ${where} failed: ${e.codeName ? `${e.codeName}: ` : ""}${e.message ?? String(error)}`);
}

/** Hides the password of a mongodb:// URI for messages. */
export function redactUri(uri: string): string {
    return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+):[^@]*@/, "$1:***@");
}
