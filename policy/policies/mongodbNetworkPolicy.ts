/**
 * MongoDB holds every message and credential hash; any pod in the cluster
 * can reach port 27017 unless a NetworkPolicy says otherwise. The policy
 * must select the members' pods, restrict Ingress, and name its sources:
 * an ingress rule without `from`, a 0.0.0.0/0 block or an all-namespaces
 * selector lets everyone in again.
 */
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Unwrap } from "@pulumi/pulumi";
import { isMongoStatefulSet } from "../lib/haWorkloads";
import { selectorMatches, selectsEverything } from "../lib/labelSelectors";
import { namespaceOf } from "../lib/kubernetes";
import { describeObject, violation } from "../lib/message";
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "../lib/policyTypes";
import { objectsOfType } from "../lib/stackObjects";
import { workloadsOf } from "../lib/workloads";

type NetworkPolicySpec = Unwrap<k8s.networking.v1.NetworkPolicySpec>;
type IngressRule = Unwrap<k8s.networking.v1.NetworkPolicyIngressRule>;
type Peer = Unwrap<k8s.networking.v1.NetworkPolicyPeer>;

const restrictFix = "declare a networking.k8s.io/v1 NetworkPolicy in MongoDB's namespace whose podSelector matches the StatefulSet's pod labels, with policyTypes [Ingress] and ingress rules that allow only the members themselves and pods carrying the MongoDB client label.";

function peerAllowsAnyone(peer: Peer): boolean {
    const cidr = peer.ipBlock?.cidr;
    if (cidr === "0.0.0.0/0" || cidr === "::/0") {
        return true;
    }
    return peer.namespaceSelector !== undefined && selectsEverything(peer.namespaceSelector)
        && (peer.podSelector === undefined || selectsEverything(peer.podSelector));
}

/** An ingress rule with no peers, or with a peer that is everyone, lets all traffic in. */
function ruleAllowsAnyone(rule: IngressRule): boolean {
    const from = rule.from ?? [];
    return from.length === 0 || from.some(peerAllowsAnyone);
}

/** Ingress is restricted when listed in policyTypes, or implied by their absence. */
function restrictsIngress(spec: NetworkPolicySpec | undefined): boolean {
    return spec?.policyTypes === undefined || spec.policyTypes.includes("Ingress");
}

export const mongodbNetworkPolicy: StackValidationPolicy = {
    name: "mongodb-network-policy",
    description: "A NetworkPolicy selects the MongoDB pods and admits ingress only from named peers (the members and Rocket.Chat, bootstrap and backup pods), never from everyone.",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const networkPolicies = objectsOfType(args.resources, NetworkPolicy);
        for (const mongo of workloadsOf(args.resources).filter(isMongoStatefulSet)) {
            const { labels } = mongo.template;
            const title = mongo.title;
            const protecting = networkPolicies.filter((np) =>
                namespaceOf(np.props) === mongo.namespace
                && selectorMatches(np.props.spec?.podSelector, labels)
                && restrictsIngress(np.props.spec));
            if (protecting.length === 0) {
                report(violation(`${title} is not selected by any NetworkPolicy that restricts ingress, so every pod in the cluster can connect to port 27017.`, restrictFix), mongo.urn);
                continue;
            }
            for (const np of protecting) {
                if ((np.props.spec?.ingress ?? []).some(ruleAllowsAnyone)) {
                    report(violation(
                        `${describeObject("NetworkPolicy", np.props)} selects the MongoDB pods but has an ingress rule that admits every source (no 'from', 0.0.0.0/0 or all namespaces).`,
                        "list explicit peers in every ingress rule's 'from': podSelector for the members and for pods with the MongoDB client label.",
                    ), np.urn);
                }
            }
        }
    },
};
