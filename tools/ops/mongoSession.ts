/**
 * A MongoDB connection for one ops command: either the URI given with --uri,
 * or a kubectl port-forward to a member pod with credentials read from the
 * stack's users Secret. Direct connection: member host names only resolve
 * inside the cluster. Whatever happens, the client is closed and the
 * port-forward stopped.
 */
import { Db, Document, MongoClient } from "mongodb";
import { doing, undoOnInterrupt } from "./activity";
import { deadlineError, driverDeadlines, isDeadlineError, maxTimeMS } from "./deadline";
import { explainMongoError, OpsError } from "./errors";
import { Kubectl, PortForward } from "./kubectl";
import { StackLayout } from "./stackLayout";

/** Which user to connect as: root for replica-set status, the application user for its settings. */
export type Role = "root" | "app";

export interface Session {
    readonly admin: Db;
    db(name: string): Db;
    /** Runs an admin command under the step deadline (maxTimeMS), recording it as the current step. */
    adminCommand(command: Document): Promise<Document>;
    /** The server-side limit for reads the work issues itself (find(..., { maxTimeMS })). */
    readonly maxTimeMS: number;
    /** Where we are connected, for messages (no password). */
    readonly where: string;
}

/**
 * Connects with `uri`, runs `work`, closes. Every step ends within
 * `timeoutSeconds` (deadline.ts); errors become OpsErrors naming `where` and
 * the step.
 */
export async function withUri<T>(uri: string, where: string, user: string | undefined, timeoutSeconds: number, work: (session: Session) => Promise<T>): Promise<T> {
    let client: MongoClient;
    try {
        client = new MongoClient(uri, { ...driverDeadlines(timeoutSeconds, uri), appName: "rocketchat-ha-ops" });
    } catch (error) {
        throw explainMongoError(error, where, user);
    }
    const explain = (error: unknown, step: string) =>
        error instanceof OpsError ? error : isDeadlineError(error) ? deadlineError(where, step, timeoutSeconds, error) : explainMongoError(error, where, user);
    let step = `connecting to ${where}`;
    const forget = undoOnInterrupt(() => void client.close(true).catch(() => undefined));
    try {
        doing(step);
        await client.connect();
        const limit = maxTimeMS(timeoutSeconds);
        const adminCommand = (command: Document) => {
            step = `running ${Object.keys(command)[0]} on ${where}`;
            doing(step);
            return client.db("admin").command({ ...command, maxTimeMS: limit });
        };
        await adminCommand({ ping: 1 });
        step = `reading from ${where}`;
        doing(step);
        return await work({ admin: client.db("admin"), db: (name) => client.db(name), adminCommand, maxTimeMS: limit, where });
    } catch (error) {
        throw explain(error, step);
    } finally {
        forget();
        await client.close().catch(() => undefined);
    }
}

/** The connection string for a forwarded port; credentials encoded, never logged. */
export function forwardedUri(port: number, username: string, password: string): string {
    return `mongodb://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}/admin?authSource=admin&directConnection=true`;
}

/**
 * Port-forwards to the first member pod that accepts it, connects as `role`
 * and runs `work`. Members are tried in order so a down member-0 does not
 * hide the others.
 */
export async function withCluster<T>(kubectl: Kubectl, layout: StackLayout, role: Role, timeoutSeconds: number, work: (session: Session) => Promise<T>): Promise<T> {
    const keys = layout.users[role];
    const username = await kubectl.secretValue(layout.namespace, layout.users.secret, keys.usernameKey);
    const password = await kubectl.secretValue(layout.namespace, layout.users.secret, keys.passwordKey);
    const failures: string[] = [];
    for (const pod of layout.mongodb.pods) {
        let forward: PortForward;
        try {
            forward = await kubectl.portForward(layout.namespace, `pod/${pod}`, 27017);
        } catch (error) {
            failures.push((error as Error).message);
            continue;
        }
        const forget = undoOnInterrupt(() => forward.stop());
        try {
            return await withUri(forwardedUri(forward.localPort, username, password), `${layout.namespace}/${pod}`, username, timeoutSeconds, work);
        } finally {
            forget();
            forward.stop();
        }
    }
    throw new OpsError(`no MongoDB member of ${layout.namespace}/${layout.mongodb.statefulSet} could be reached:\n  ${failures.join("\n  ")}`);
}

