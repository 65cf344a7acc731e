/**
 * Under required hostname anti-affinity each node holds at most one pod of a
 * workload, so a workload can never run more pods than there are schedulable
 * nodes: the rest stay Pending. An autoscaler with maxReplicas 10 on a
 * 3-node cluster looks like headroom but is a contradiction that only shows
 * under load, when it matters most. The node count is not visible to
 * Pulumi, so it comes from this policy's config (schedulableNodes).
 */
import { requiredHostnameSpread } from "../lib/antiAffinity";
import { describeObject, violation } from "../lib/message";
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "../lib/policyTypes";
import { autoscalersIn, autoscalersOf } from "../lib/stackObjects";
import { workloadsOf } from "../lib/workloads";

export interface ReplicasWithinNodesConfig {
    /** Nodes that can run these pods (matching the stack setting rocketchat-ha:schedulableNodes). */
    schedulableNodes: number;
}

export const replicasWithinNodes: StackValidationPolicy = {
    name: "replicas-within-schedulable-nodes",
    description: "A workload with required pod anti-affinity on kubernetes.io/hostname never asks for more pods (replicas or autoscaler maxReplicas) than there are schedulable nodes.",
    configSchema: {
        properties: {
            schedulableNodes: { type: "integer", minimum: 1, default: 3, description: "Nodes that can run these pods; keep equal to rocketchat-ha:schedulableNodes." },
        },
    },
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const { schedulableNodes } = args.getConfig<ReplicasWithinNodesConfig>();
        const autoscalers = autoscalersIn(args.resources);
        for (const workload of workloadsOf(args.resources)) {
            if (!requiredHostnameSpread(workload.template, workload.namespace).spreads) {
                continue;
            }
            const { title, replicas } = workload;
            if (replicas > schedulableNodes) {
                report(violation(
                    `${title} asks for ${replicas} replicas with required one-per-node anti-affinity, but only ${schedulableNodes} nodes are schedulable: ${replicas - schedulableNodes} would stay Pending.`,
                    `lower the replicas to at most ${schedulableNodes}, add nodes and raise schedulableNodes (rocketchat-ha:schedulableNodes and this policy's config), or use rocketchat-ha:podAntiAffinity=preferred outside production.`,
                ), workload.urn);
            }
            for (const hpa of autoscalersOf(autoscalers, workload)) {
                const maxReplicas = Number(hpa.props.spec?.maxReplicas ?? 0);
                if (maxReplicas > schedulableNodes) {
                    report(violation(
                        `${describeObject("HorizontalPodAutoscaler", hpa.props)} may scale ${title} to ${maxReplicas} pods, but required one-per-node anti-affinity fits only ${schedulableNodes} on the schedulable nodes; pods beyond that stay Pending under load.`,
                        `set rocketchat-ha:autoscalingMaxReplicas to at most ${schedulableNodes}, or add nodes and raise schedulableNodes in the stack and in this policy's config.`,
                    ), hpa.urn);
                }
            }
        }
    },
};
