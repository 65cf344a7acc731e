/**
 * MongoDB holds every message and credential hash; any pod in the cluster
 * can reach port 27017 unless a NetworkPolicy says otherwise. The policy
 * must select the members' pods, restrict Ingress, and name its sources:
 * an ingress rule without `from`, a 0.0.0.0/0 block or an all-namespaces
 * selector lets everyone in again.
 */
import { isMongoStatefulSet } from "../lib/haWorkloads";
import { selectorMatches, selectsEverything } from "../lib/labelSelectors";
import { namespaceOf, podTemplateOf } from "../lib/kubernetes";
import { describeObject, violation } from "../lib/message";
import { KubeObject, ReportViolation, StackValidationArgs, StackValidationPolicy } from "../lib/policyTypes";
import { kubernetesObjectsOf, objectsOfKind } from "../lib/stackObjects";

const restrictFix = "declare a networking.k8s.io/v1 NetworkPolicy in MongoDB's namespace whose podSelector matches the StatefulSet's pod labels, with policyTypes [Ingress] and ingress rules that allow only the members themselves and pods carrying the MongoDB client label (components/mongodb/replicaSet.ts does this).";

function peerAllowsAnyone(peer: KubeObject): boolean {
    const cidr = peer.ipBlock?.cidr;
    if (cidr === "0.0.0.0/0" || cidr === "::/0") {
        return true;
    }
    return peer.namespaceSelector !== undefined && selectsEverything(peer.namespaceSelector)
        && (peer.podSelector === undefined || selectsEverything(peer.podSelector));
}

/** An ingress rule with no peers, or with a peer that is everyone, lets all traffic in. */
function ruleAllowsAnyone(rule: KubeObject): boolean {
    const from: KubeObject[] = rule.from ?? [];
    return from.length === 0 || from.some(peerAllowsAnyone);
}

/** Ingress is restricted when listed in policyTypes, or implied by their absence. */
function restrictsIngress(spec: KubeObject): boolean {
    return spec.policyTypes === undefined || spec.policyTypes.includes("Ingress");
}

export const mongodbNetworkPolicy: StackValidationPolicy = {
    name: "mongodb-network-policy",
    description: "A NetworkPolicy selects the MongoDB pods and admits ingress only from named peers (the members and Rocket.Chat, bootstrap and backup pods), never from everyone.",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const objects = kubernetesObjectsOf(args.resources);
        const networkPolicies = objectsOfKind(objects, "NetworkPolicy");
        for (const mongo of objects.filter((object) => isMongoStatefulSet(object.kind, object.props))) {
            const labels = podTemplateOf(mongo.kind, mongo.props)?.labels ?? {};
            const title = describeObject(mongo.kind, mongo.props);
            const protecting = networkPolicies.filter((np) =>
                namespaceOf(np.props) === namespaceOf(mongo.props)
                && selectorMatches(np.props.spec?.podSelector, labels)
                && restrictsIngress(np.props.spec ?? {}));
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
