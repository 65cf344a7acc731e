/**
 * Verdicts on a replica set from a `replSetGetStatus` reply (and optionally
 * `replSetGetConfig` for votes): who is primary, how far each member lags,
 * how many more members may fail before writes stop, and which members share
 * a node. Pure: the CLI feeds it live replies, the tests recorded ones.
 */

/** replSetGetStatus member states (src/mongo/db/repl/member_state.h). */
const readableStates = new Set(["PRIMARY", "SECONDARY"]);

/** The fields of a replSetGetStatus member this module reads. */
export interface StatusMember {
    readonly _id: number;
    readonly name: string;
    readonly health: number;
    readonly stateStr: string;
    /** Wall-clock time of the member's last applied operation. */
    readonly optimeDate?: Date | string;
    readonly self?: boolean;
}

export interface StatusReply {
    readonly set: string;
    readonly date?: Date | string;
    readonly members: readonly StatusMember[];
}

/** The fields of a replSetGetConfig `config` this module reads. */
export interface ConfigReply {
    readonly members: readonly { readonly host: string; readonly votes?: number; readonly arbiterOnly?: boolean }[];
}

export interface MemberReport {
    readonly name: string;
    readonly state: string;
    readonly healthy: boolean;
    readonly voting: boolean;
    /** Seconds behind the primary (or the freshest member without one); undefined for a member that is down. */
    readonly lagSeconds?: number;
    /** Node the member's pod runs on, when known. */
    readonly node?: string;
}

export type Verdict = "healthy" | "lagging" | "degraded" | "writes-stopped";

export interface ReplicaSetReport {
    readonly set: string;
    readonly members: readonly MemberReport[];
    readonly primary?: string;
    readonly votingMembers: number;
    readonly majority: number;
    readonly healthyVoting: number;
    /** Healthy voting members minus the majority: more failures than this stop writes. Negative when writes have stopped. */
    readonly failuresTolerated: number;
    readonly verdict: Verdict;
    /** Sentences explaining the verdict and anything else worth knowing. */
    readonly findings: readonly string[];
}

export interface AssessOptions {
    /** Lag above this many seconds makes the verdict "lagging". Defaults to 10. */
    readonly maxLagSeconds?: number;
    /** Pod node per member host (the host's first DNS label is the pod name). Defaults to unknown. */
    readonly nodeOfPod?: ReadonlyMap<string, string>;
}

const millis = (value: Date | string | undefined) => (value === undefined ? undefined : new Date(value).getTime());

/** The pod a member host such as rocketchat-mongodb-1.rocketchat-mongodb-headless.ns.svc.cluster.local:27017 runs in. */
export function podOfHost(host: string): string {
    return host.split(":")[0].split(".")[0];
}

/** Votes per member host; every member votes when no config is given (the program's sets never change votes). */
function votesByHost(status: StatusReply, config?: ConfigReply): Map<string, number> {
    if (!config) {
        return new Map(status.members.map((m) => [m.name, 1]));
    }
    return new Map(config.members.map((m) => [m.host, m.arbiterOnly ? 0 : m.votes ?? 1]));
}

/** Seconds each healthy member is behind `reference`, rounded to a tenth. */
function lagSeconds(member: StatusMember, referenceMs: number | undefined): number | undefined {
    const applied = millis(member.optimeDate);
    if (referenceMs === undefined || applied === undefined || member.health !== 1) {
        return undefined;
    }
    return Math.max(0, Math.round((referenceMs - applied) / 100) / 10);
}

/** Nodes that run more than one member, with those members. */
export function sharedNodes(members: readonly MemberReport[]): Map<string, string[]> {
    const byNode = new Map<string, string[]>();
    for (const member of members) {
        if (member.node) {
            byNode.set(member.node, [...(byNode.get(member.node) ?? []), member.name]);
        }
    }
    return new Map([...byNode].filter(([, names]) => names.length > 1));
}

export function assessReplicaSet(status: StatusReply, config?: ConfigReply, options: AssessOptions = {}): ReplicaSetReport {
    const maxLag = options.maxLagSeconds ?? 10;
    const votes = votesByHost(status, config);
    const primary = status.members.find((m) => m.stateStr === "PRIMARY" && m.health === 1);
    const healthyTimes = status.members.filter((m) => m.health === 1).map((m) => millis(m.optimeDate)).filter((t): t is number => t !== undefined);
    const reference = primary ? millis(primary.optimeDate) : healthyTimes.length > 0 ? Math.max(...healthyTimes) : undefined;

    const members: MemberReport[] = status.members.map((m) => ({
        name: m.name,
        state: m.stateStr,
        healthy: m.health === 1 && readableStates.has(m.stateStr),
        voting: (votes.get(m.name) ?? 1) > 0,
        lagSeconds: lagSeconds(m, reference),
        node: options.nodeOfPod?.get(podOfHost(m.name)),
    }));
    const votingMembers = members.filter((m) => m.voting).length;
    const majority = Math.floor(votingMembers / 2) + 1;
    const healthyVoting = members.filter((m) => m.voting && m.healthy).length;
    const failuresTolerated = healthyVoting - majority;

    const findings: string[] = [];
    const down = members.filter((m) => !m.healthy);
    const lagging = members.filter((m) => (m.lagSeconds ?? 0) > maxLag);
    let verdict: Verdict = "healthy";
    if (failuresTolerated < 0) {
        verdict = "writes-stopped";
        findings.push(`majority lost: ${healthyVoting} of ${votingMembers} voting members are up, ${majority} are needed to elect a primary and acknowledge writes`);
    } else if (!primary) {
        verdict = "writes-stopped";
        findings.push(`no primary: writes stop until an election completes (${healthyVoting} of ${votingMembers} voting members up, majority ${majority})`);
    } else if (down.length > 0) {
        verdict = "degraded";
    } else if (lagging.length > 0) {
        verdict = "lagging";
    }
    if (down.length > 0) {
        findings.push(`not serving: ${down.map((m) => `${podOfHost(m.name)} ${m.state}`).join(", ")}`);
    }
    if (failuresTolerated >= 0) {
        findings.push(`${failuresTolerated} more member failure${failuresTolerated === 1 ? "" : "s"} tolerated before writes stop`);
    }
    for (const m of lagging) {
        findings.push(`${podOfHost(m.name)} lags ${m.lagSeconds} s behind ${primary ? "the primary" : "the freshest member"} (threshold ${maxLag} s)`);
    }
    for (const [node, names] of sharedNodes(members)) {
        findings.push(`${names.map(podOfHost).join(" and ")} share node ${node}: losing that node loses all of them`);
    }
    return { set: status.set, members, primary: primary?.name, votingMembers, majority, healthyVoting, failuresTolerated, verdict, findings };
}

/** True when the CLI must exit non-zero: no primary or no majority. */
export function writesStopped(report: ReplicaSetReport): boolean {
    return report.verdict === "writes-stopped";
}

/** The report as the lines `ops status` prints. */
export function formatReport(report: ReplicaSetReport): string[] {
    // Pod names: the full in-cluster host names make the table unreadable.
    const rows = report.members.map((m) => [
        podOfHost(m.name),
        m.state,
        m.voting ? "yes" : "no",
        m.lagSeconds === undefined ? "-" : `${m.lagSeconds} s`,
        m.node ?? "?",
    ]);
    const header = ["MEMBER", "STATE", "VOTES", "LAG", "NODE"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return [
        `replica set ${report.set}: ${report.verdict.toUpperCase()}`,
        `primary: ${report.primary ? podOfHost(report.primary) : "none"}; voting members ${report.votingMembers}, majority ${report.majority}, healthy voting ${report.healthyVoting}`,
        "",
        line(header),
        ...rows.map(line),
        "",
        ...report.findings.map((f) => `- ${f}`),
    ];
}
