/**
 * What the ops CLI is doing right now, and what must be undone if the user
 * stops it: Ctrl-C then says what was interrupted ("interrupted while
 * reading replSetGetStatus from rocketchat-prod/rocketchat-mongodb-0"), stops
 * port-forwards and removes the listing pod, instead of dying silently.
 */

let current = "starting";
const cleanups = new Set<() => void>();

/** Records the step now running, for the interrupt and deadline messages. */
export function doing(step: string): void {
    current = step;
}

export function currentActivity(): string {
    return current;
}

/** Registers `cleanup` to run on interrupt; call the returned function once it is no longer needed. */
export function undoOnInterrupt(cleanup: () => void): () => void {
    cleanups.add(cleanup);
    return () => cleanups.delete(cleanup);
}

/** Runs every registered cleanup (each at most once) and returns the message to print. */
export function interrupt(signal: string): string {
    for (const cleanup of [...cleanups]) {
        cleanups.delete(cleanup);
        try {
            cleanup();
        } catch {
            // Best effort: the process is about to exit.
        }
    }
    return `ops: interrupted (${signal}) while ${current}; nothing was changed`;
}
