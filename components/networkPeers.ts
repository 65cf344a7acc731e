/**
 * NetworkPolicy peers by namespace (the ingress controller's, Prometheus's),
 * and the shape of a workload's own ingress policy.
 * Namespaces are matched by the label the API server sets on every namespace
 * (`kubernetes.io/metadata.name`, 1.21+), so nobody has to label them by hand.
 */
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyIngressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule";
import type { INetworkPolicyPeer as NetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";

/** Every pod of one namespace, e.g. the ingress controller's or Prometheus's. */
export function namespacePeer(namespace: string): NetworkPolicyPeer {
    return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } };
}

/** A workload's own policy: the pods `selector` picks accept exactly the `ingress` rules (on top of the default deny). */
export function workloadIngressPolicy(
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    selector: Record<string, string>,
    ingress: INetworkPolicyIngressRule[],
): INetworkPolicy & { metadata: { name: string; namespace: string } } {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata,
        spec: { podSelector: { matchLabels: selector }, policyTypes: ["Ingress"], ingress },
    };
}
