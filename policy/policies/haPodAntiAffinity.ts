/**
 * Rocket.Chat and MongoDB survive losing a node only if no two of their pods
 * share one. That takes a *required* anti-affinity term on
 * kubernetes.io/hostname whose selector picks the workload's own pods; a
 * preferred term is dropped under pressure, and a selector with a typo
 * selects nothing and silently spreads nothing.
 */
import { requiredHostnameSpread } from "../lib/antiAffinity";
import { haWorkloadOf } from "../lib/haWorkloads";
import { violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { validateWorkloads } from "../lib/workloads";

export const haPodAntiAffinity: ResourceValidationPolicy = {
    name: "ha-pod-anti-affinity",
    description: "The Rocket.Chat Deployment and the MongoDB StatefulSet need required pod anti-affinity on kubernetes.io/hostname that selects their own pods, so one node failure takes down at most one replica.",
    validateResource: validateWorkloads((workload, report) => {
        if (!haWorkloadOf(workload)) {
            return;
        }
        const finding = requiredHostnameSpread(workload.template, workload.namespace);
        if (!finding.spreads) {
            report(violation(
                `${workload.title} ${finding.problem}`,
                "add spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution with topologyKey kubernetes.io/hostname and a labelSelector.matchLabels equal to the workload's selector labels (the stack setting rocketchat-ha:podAntiAffinity=required does this).",
            ));
        }
    }),
};
