/**
 * A MongoDB connection for one ops command: either the URI given with --uri,
 * or a kubectl port-forward to a member pod with credentials read from the
 * stack's users Secret. Direct connection: member host names only resolve
 * inside the cluster. Whatever happens, the client is closed and the
 * port-forward stopped.
 */
import { Db, MongoClient } from "mongodb";
import { explainMongoError, OpsError } from "./errors";
import { Kubectl, PortForward } from "./kubectl";
import { StackLayout } from "./stackLayout";

/** Which user to connect as: root for replica-set status, the application user for its settings. */
export type Role = "root" | "app";

export interface Session {
    readonly admin: Db;
    db(name: string): Db;
    /** Where we are connected, for messages (no password). */
    readonly where: string;
}

/** Connects with `uri`, runs `work`, closes. Errors become OpsErrors naming `where`. */
export async function withUri<T>(uri: string, where: string, user: string | undefined, work: (session: Session) => Promise<T>): Promise<T> {
    let client: MongoClient;
    try {
        // Fail within seconds when nothing answers, unless the URI says otherwise.
        const timeout = /serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 8000 };
        client = new MongoClient(uri, { ...timeout, connectTimeoutMS: 8000, appName: "rocketchat-ha-ops" });
    } catch (error) {
        throw explainMongoError(error, where, user);
    }
    try {
        await client.connect();
        await client.db("admin").command({ ping: 1 });
    } catch (error) {
        await client.close().catch(() => undefined);
        throw explainMongoError(error, where, user);
    }
    try {
        return await work({ admin: client.db("admin"), db: (name) => client.db(name), where });
    } catch (error) {
        throw error instanceof OpsError ? error : explainMongoError(error, where, user);
    } finally {
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
export async function withCluster<T>(kubectl: Kubectl, layout: StackLayout, role: Role, work: (session: Session) => Promise<T>): Promise<T> {
    const keys = layout.users[role];
    const username = await kubectl.secretValue(layout.namespace, layout.users.secret, keys.usernameKey);
    const password = await kubectl.secretValue(layout.namespace, layout.users.secret, keys.passwordKey);
    const failures: string[] = [];
    for (let member = 0; member < layout.mongodb.members; member++) {
        const pod = `${layout.mongodb.statefulSet}-${member}`;
        let forward: PortForward;
        try {
            forward = await kubectl.portForward(layout.namespace, `pod/${pod}`, 27017);
        } catch (error) {
            failures.push((error as Error).message);
            continue;
        }
        try {
            return await withUri(forwardedUri(forward.localPort, username, password), `${layout.namespace}/${pod}`, username, work);
        } finally {
            forward.stop();
        }
    }
    throw new OpsError(`no MongoDB member of ${layout.namespace}/${layout.mongodb.statefulSet} could be reached:\n  ${failures.join("\n  ")}`);
}

