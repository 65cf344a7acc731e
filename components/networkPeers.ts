/**
 * NetworkPolicy peers by namespace (the ingress controller's, Prometheus's).
 * Namespaces are matched by the label the API server sets on every namespace
 * (`kubernetes.io/metadata.name`, 1.21+), so nobody has to label them by hand.
 */
import type { INetworkPolicyPeer as NetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";

/** Every pod of one namespace, e.g. the ingress controller's or Prometheus's. */
export function namespacePeer(namespace: string): NetworkPolicyPeer {
    return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } };
}
