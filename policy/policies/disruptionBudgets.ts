/**
 * Node drains and cluster upgrades evict pods voluntarily; only a
 * PodDisruptionBudget stops them evicting every replica at once. The budget
 * must still allow one eviction (minAvailable equal to the replica count
 * blocks every drain forever), and for MongoDB it must never allow the set
 * to lose its majority, or writes stop during a routine upgrade.
 * Allowed evictions are computed as the disruption controller does, with
 * percentages rounded up, at the workload's declared replica count.
 */
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { isMongoStatefulSet } from "../lib/haWorkloads";
import { selectorMatches } from "../lib/labelSelectors";
import { namespaceOf, PropsOf } from "../lib/kubernetes";
import { describeObject, violation } from "../lib/message";
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "../lib/policyTypes";
import { AutoscalerProps, autoscalersIn, autoscalersOf, mostPods, objectsOfType, StackObject } from "../lib/stackObjects";
import { StackWorkload, workloadsOf } from "../lib/workloads";

type BudgetProps = PropsOf<typeof PodDisruptionBudget>;
type BudgetSpec = NonNullable<BudgetProps["spec"]>;

const budgetedKinds = ["Deployment", "StatefulSet"];

/** An int-or-percent field resolved against `replicas`, rounding up like Kubernetes. */
function resolveCount(value: number | string, replicas: number): number {
    if (typeof value === "string" && value.endsWith("%")) {
        return Math.ceil((Number(value.slice(0, -1)) * replicas) / 100);
    }
    return Number(value);
}

/** Pods the budget lets go at once when all are healthy, or a sentence on why it cannot be judged. */
function allowedEvictions(pdbSpec: BudgetSpec, replicas: number): number | string {
    const { maxUnavailable, minAvailable } = pdbSpec;
    if (maxUnavailable !== undefined && minAvailable !== undefined) {
        return "sets both minAvailable and maxUnavailable, which the API server rejects";
    }
    if (maxUnavailable !== undefined) {
        return Math.min(replicas, resolveCount(maxUnavailable, replicas));
    }
    if (minAvailable !== undefined) {
        return Math.max(0, replicas - resolveCount(minAvailable, replicas));
    }
    return "sets neither minAvailable nor maxUnavailable";
}

function checkWorkload(workload: StackWorkload, budgets: StackObject<BudgetProps>[], autoscalers: StackObject<AutoscalerProps>[], report: ReportViolation): void {
    const replicas = workload.replicas;
    const pods = mostPods(workload, autoscalersOf(autoscalers, workload));
    if (pods <= 1) {
        return;
    }
    const { title, template } = workload;
    const mongo = isMongoStatefulSet(workload);
    const majority = Math.floor(replicas / 2) + 1;
    const wanted = mongo ? `maxUnavailable: 1 (keeps ${majority} of ${replicas} members, a majority)` : "maxUnavailable: 1";
    const matching = budgets.filter((pdb) =>
        namespaceOf(pdb.props) === workload.namespace && selectorMatches(pdb.props.spec?.selector, template.labels));
    if (matching.length === 0) {
        report(violation(
            `${title} runs up to ${pods} pods but no PodDisruptionBudget selects them, so a node drain may evict all at once.`,
            `add a policy/v1 PodDisruptionBudget in the same namespace with selector.matchLabels equal to the workload's selector and ${wanted}.`,
        ), workload.urn);
        return;
    }
    if (matching.length > 1) {
        report(violation(
            `${title} is selected by ${matching.length} PodDisruptionBudgets (${matching.map((pdb) => pdb.props.metadata?.name).join(", ")}); the eviction API refuses to evict pods covered by more than one.`,
            "keep exactly one PodDisruptionBudget per workload.",
        ), workload.urn);
        return;
    }
    const [pdb] = matching;
    const pdbTitle = describeObject("PodDisruptionBudget", pdb.props);
    const allowed = allowedEvictions(pdb.props.spec ?? {}, replicas);
    if (typeof allowed === "string") {
        report(violation(`${pdbTitle} ${allowed}.`, `set only ${wanted}.`), pdb.urn);
    } else if (allowed < 1) {
        report(violation(
            `${pdbTitle} allows no voluntary eviction of ${title}'s ${replicas} pods, so node drains and cluster upgrades block forever.`,
            `use ${wanted}.`,
        ), pdb.urn);
    } else if (mongo && replicas - allowed < majority) {
        report(violation(
            `${pdbTitle} lets ${allowed} of ${replicas} MongoDB members be evicted at once, leaving ${replicas - allowed}: fewer than the majority of ${majority}, so the set loses its primary and stops accepting writes.`,
            `use ${wanted}.`,
        ), pdb.urn);
    }
}

export const disruptionBudgets: StackValidationPolicy = {
    name: "pod-disruption-budgets",
    description: "Every Deployment or StatefulSet that can run more than one pod has exactly one PodDisruptionBudget that still allows one voluntary eviction and never lets MongoDB fall below a majority of its members.",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const budgets = objectsOfType(args.resources, PodDisruptionBudget);
        const autoscalers = autoscalersIn(args.resources);
        for (const workload of workloadsOf(args.resources).filter((candidate) => budgetedKinds.includes(candidate.kind))) {
            checkWorkload(workload, budgets, autoscalers, report);
        }
    },
};
