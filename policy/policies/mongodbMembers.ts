/**
 * A replica set stays writable while a majority of voting members is up:
 * 3 members survive 1 failure, 5 survive 2. An even count adds a member
 * without adding tolerance (4 still survives only 1), and an arbiter votes
 * without holding data, so with majority write concern a set with an arbiter
 * and one data member down stalls writes. Hence: odd, at least
 * `minMembers`, and no arbiters anywhere in the stack.
 */
import { ConfigMap } from "@pulumi/kubernetes/core/v1";
import { validateResourceOfType } from "@pulumi/policy";
import { componentLabel, isMongoStatefulSet } from "../lib/haWorkloads";
import { containersOf } from "../lib/kubernetes";
import { describeObject, violation } from "../lib/message";
import { ReportViolation, ResourceValidationPolicy } from "../lib/policyTypes";
import { validateWorkloads, WorkloadCheck } from "../lib/workloads";

export interface MongoMembersConfig {
    /** Fewest members allowed; 3 is the smallest set that survives a failure. */
    minMembers: number;
}

/** Text that adds an arbiter: replSetInitiate/reconfig members or the shell helper. */
const arbiterText = /arbiterOnly["']?\s*:\s*true|\brs\.addArb\s*\(/;

const checkMembers: WorkloadCheck = (workload, report, args) => {
    if (!isMongoStatefulSet(workload)) {
        return;
    }
    const { minMembers } = args.getConfig<MongoMembersConfig>();
    const members = workload.replicas;
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

function reportArbiter(title: string, evidence: readonly unknown[], report: ReportViolation): void {
    if (evidence.some((text) => typeof text === "string" && arbiterText.test(text))) {
        report(violation(
            `${title} adds a MongoDB arbiter, which votes but holds no data and stalls majority writes when a data member is down.`,
            "remove the arbiter and run an odd number of data-bearing members (rocketchat-ha:mongodbMembers = 3 or 5).",
        ));
    }
}

/** Pods labelled as an arbiter, or whose commands add one. */
const checkArbiterPods: WorkloadCheck = (workload, report) => {
    const labelledArbiter = /arbiter/i.test(workload.template.labels[componentLabel] ?? "") ? ["arbiterOnly: true"] : [];
    const commands = containersOf(workload.template.spec).flatMap(({ container }) => [...(container.command ?? []), ...(container.args ?? [])]);
    reportArbiter(workload.title, [...labelledArbiter, ...commands], report);
};

/** Scripts that add an arbiter (replSetInitiate/reconfig members or rs.addArb). */
const checkArbiterScripts = validateResourceOfType(ConfigMap, (configMap, _args, report) =>
    reportArbiter(describeObject("ConfigMap", configMap), Object.values(configMap.data ?? {}), report));

export const mongodbMembers: ResourceValidationPolicy = {
    name: "mongodb-replica-set-members",
    description: "The MongoDB replica set has an odd number of members, at least minMembers (3 unless the stack's policy config says otherwise), and no arbiters.",
    configSchema: {
        properties: {
            minMembers: { type: "integer", minimum: 1, default: 3, description: "Fewest replica-set members this stack accepts." },
        },
    },
    validateResource: [validateWorkloads(checkMembers), validateWorkloads(checkArbiterPods), checkArbiterScripts],
};
