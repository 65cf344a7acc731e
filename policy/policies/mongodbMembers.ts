/**
 * A replica set stays writable while a majority of voting members is up:
 * 3 members survive 1 failure, 5 survive 2. An even count adds a member
 * without adding tolerance (4 still survives only 1), and an arbiter votes
 * without holding data, so with majority write concern a set with an arbiter
 * and one data member down stalls writes. Hence: odd, at least
 * `minMembers`, and no arbiters anywhere in the stack.
 */
import { isMongoStatefulSet } from "../lib/haWorkloads";
import { containersOf, declaredReplicas, kubernetesKind, podTemplateOf } from "../lib/kubernetes";
import { describeObject, violation } from "../lib/message";
import { KubeObject, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "../lib/policyTypes";
import { validateWorkloads, WorkloadCheck } from "../lib/workloads";

export interface MongoMembersConfig {
    /** Fewest members allowed; 3 is the smallest set that survives a failure. */
    minMembers: number;
}

/** Text that adds an arbiter: replSetInitiate/reconfig members or the shell helper. */
const arbiterText = /arbiterOnly["']?\s*:\s*true|\brs\.addArb\s*\(/;

const checkMembers: WorkloadCheck = (workload, report, args) => {
    if (!isMongoStatefulSet(workload.kind, workload.props)) {
        return;
    }
    const { minMembers } = args.getConfig<MongoMembersConfig>();
    const members = declaredReplicas(workload.kind, workload.props);
    if (members % 2 === 0) {
        report(violation(
            `${workload.title} runs ${members} members; an even count tolerates no more failures than ${members - 1} and we run no arbiters.`,
            `set rocketchat-ha:mongodbMembers to an odd number (${members - 1} or ${members + 1}).`,
        ));
    }
    if (members < minMembers) {
        report(violation(
            `${workload.title} runs ${members} member(s); this stack requires at least ${minMembers} so that the set keeps a writable majority when a member fails.`,
            `set rocketchat-ha:mongodbMembers to ${minMembers % 2 === 0 ? minMembers + 1 : minMembers} or more (odd), or lower minMembers in this stack's policy config.`,
        ));
    }
};

/** Scripts (ConfigMaps), commands and labels that would add an arbiter. */
function arbiterEvidence(kind: string | undefined, props: KubeObject): string[] {
    if (kind === "ConfigMap") {
        return Object.values<string>(props.data ?? {});
    }
    const template = podTemplateOf(kind, props);
    if (!template) {
        return [];
    }
    const labelledArbiter = /arbiter/i.test(template.labels["app.kubernetes.io/component"] ?? "") ? ["arbiterOnly: true"] : [];
    const commands = containersOf(template.spec).flatMap(({ container }) => [...(container.command ?? []), ...(container.args ?? [])]);
    return [...labelledArbiter, ...commands];
}

function checkArbiters(args: ResourceValidationArgs, report: ReportViolation): void {
    const kind = kubernetesKind(args.type);
    if (arbiterEvidence(kind, args.props).some((text) => typeof text === "string" && arbiterText.test(text))) {
        report(violation(
            `${describeObject(kind ?? args.type, args.props)} adds a MongoDB arbiter, which votes but holds no data and stalls majority writes when a data member is down.`,
            "remove the arbiter and run an odd number of data-bearing members (rocketchat-ha:mongodbMembers = 3 or 5).",
        ));
    }
}

export const mongodbMembers: ResourceValidationPolicy = {
    name: "mongodb-replica-set-members",
    description: "The MongoDB replica set has an odd number of members, at least minMembers (3 unless the stack's policy config says otherwise), and no arbiters.",
    configSchema: {
        properties: {
            minMembers: { type: "integer", minimum: 1, default: 3, description: "Fewest replica-set members this stack accepts." },
        },
    },
    validateResource: [validateWorkloads(checkMembers), checkArbiters],
};
