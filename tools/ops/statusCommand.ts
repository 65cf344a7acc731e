/**
 * `ops status`: the replica set's members, states, primary, lag, failure
 * tolerance and node placement. Exits 1 when writes would stop.
 */
import { uriUser, withPassword } from "./credentials";
import { exitCodes, OpsError } from "./errors";
import { Kubectl } from "./kubectl";
import { Session, withCluster, withUri } from "./mongoSession";
import { assessReplicaSet, ConfigReply, formatReport, StatusReply, writesStopped } from "./replicaHealth";
import { loadLayout } from "./stackLayout";
import { OutputsSource } from "./stackOutputs";

export interface StatusOptions extends OutputsSource {
    readonly uri?: string;
    readonly context?: string;
    readonly maxLag: number;
    /** Seconds each step may wait on a server (deadline.ts). */
    readonly timeout: number;
    /** Where the --uri user's password comes from (credentials.ts); undefined for none. */
    readonly password?: string;
}

/** Server codes meaning "this server is not (yet) a replica-set member". */
const notReplicaSet: Record<number, string> = {
    76: "mongod runs without --replSet",
    94: "the replica set is not initiated yet (the bootstrap Job initiates it)",
    59: "the server does not know replSetGetStatus: it is not a MongoDB replica-set member",
};

/** Reads replSetGetStatus and replSetGetConfig; a server that is not a member is an OpsError. */
export async function readReplicaSet(session: Session): Promise<{ status: StatusReply; config?: ConfigReply }> {
    let status: StatusReply;
    try {
        status = (await session.adminCommand({ replSetGetStatus: 1 })) as unknown as StatusReply;
    } catch (error) {
        const code = (error as { code?: number }).code;
        if (code !== undefined && notReplicaSet[code]) {
            throw new OpsError(`${session.where}: ${notReplicaSet[code]} (${(error as Error).message})`);
        }
        throw error;
    }
    // Votes come from the config; without it every member is taken to vote.
    const config = await session.adminCommand({ replSetGetConfig: 1 }).then((r) => r.config as ConfigReply, () => undefined);
    return { status, config };
}

/** Pod name -> node name for the stack's MongoDB pods; a pod that does not exist is left out. */
export async function podNodes(kubectl: Kubectl, namespace: string, pods: readonly string[]): Promise<Map<string, string>> {
    const found = await kubectl.json(["get", "pods", "-n", namespace, "--ignore-not-found", ...pods]);
    // One name answers with the Pod itself, several with a List.
    const items: any[] = found.kind === "Pod" ? [found] : found.items ?? [];
    return new Map(items.filter((p: any) => p.spec?.nodeName).map((p: any) => [p.metadata.name, p.spec.nodeName]));
}


export async function statusCommand(options: StatusOptions, out: (line: string) => void): Promise<number> {
    let replies: { status: StatusReply; config?: ConfigReply };
    let nodeOfPod: Map<string, string> | undefined;
    if (options.uri) {
        replies = await withUri(withPassword(options.uri, options.password), "the --uri server", uriUser(options.uri), options.timeout, readReplicaSet);
    } else {
        const layout = await loadLayout(options, options.timeout);
        const kubectl = new Kubectl({ context: options.context, requestTimeoutSeconds: options.timeout });
        replies = await withCluster(kubectl, layout, "root", options.timeout, readReplicaSet);
        nodeOfPod = await podNodes(kubectl, layout.namespace, layout.mongodb.pods);
    }
    const report = assessReplicaSet(replies.status, replies.config, { maxLagSeconds: options.maxLag, nodeOfPod });
    formatReport(report).forEach((line) => out(line));
    if (!nodeOfPod) {
        out("- node placement not checked (no cluster access with --uri)");
    }
    return writesStopped(report) ? exitCodes.problemFound : exitCodes.ok;
}
