/**
 * The ops CLI's time budget: every step that waits on a server (connect,
 * server selection, each command) ends within `--timeout` seconds, so a
 * server that accepts the connection and then stalls gives a clear error and
 * exit 2 instead of a hang.
 */
import type { MongoClientOptions } from "mongodb";
import { OpsError } from "./errors";

export const defaultTimeoutSeconds = 30;

/**
 * Driver deadlines for one step budget. maxTimeMS makes mongod itself stop a
 * slow command (MaxTimeMSExpired); the socket timeout, a little longer,
 * catches a server that never answers at all.
 */
export function driverDeadlines(timeoutSeconds: number, uri = ""): MongoClientOptions {
    const ms = Math.round(timeoutSeconds * 1000);
    const deadlines = { connectTimeoutMS: ms, serverSelectionTimeoutMS: ms, socketTimeoutMS: ms + 2000 };
    // A timeout the URI sets itself wins (the driver would let the options object override it).
    return Object.fromEntries(Object.entries(deadlines).filter(([name]) => !new RegExp(`[?&]${name}=`, "i").test(uri)));
}

/** The server-side limit to send with each command. */
export function maxTimeMS(timeoutSeconds: number): number {
    return Math.round(timeoutSeconds * 1000);
}

/** Driver errors that mean "connected, but no answer in time". */
export function isDeadlineError(error: unknown): boolean {
    const e = error as { name?: string; code?: number; message?: string };
    return e.name === "MongoNetworkTimeoutError" || e.name === "MongoOperationTimeoutError" || e.code === 50 || /timed out/i.test(e.message ?? "");
}

export function deadlineError(where: string, step: string, timeoutSeconds: number, error: unknown): OpsError {
    return new OpsError(
        `MongoDB at ${where} did not answer within ${timeoutSeconds} s while ${step} (--timeout, default ${defaultTimeoutSeconds} s): ${(error as Error).message}`,
    );
}
