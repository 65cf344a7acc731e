/**
 * Ingress isolation for every pod of the instance. NetworkPolicies add up: a
 * pod selected by any policy accepts only what some policy admits. This one
 * selects every pod carrying the instance label and admits nothing, so pods
 * without a policy of their own (bootstrap, backup and channel Jobs) accept no
 * connections, and the per-workload policies stay the only openings.
 */
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import * as pulumi from "@pulumi/pulumi";
import type { Built } from "./builtObject";
import { declareObject } from "./kubernetesObjects";

/** The instance's default-deny NetworkPolicy. */
export function defaultDenyIngressObject(instance: string, namespace: string): Built<INetworkPolicy, never> {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: {
            name: `${instance}-default-deny-ingress`,
            namespace,
            labels: { "app.kubernetes.io/instance": instance, "app.kubernetes.io/part-of": "rocketchat-ha", "app.kubernetes.io/managed-by": "pulumi" },
        },
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/instance": instance } },
            policyTypes: ["Ingress"],
        },
    };
}

export function denyIngressByDefault(instance: string, namespace: string, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const policy = defaultDenyIngressObject(instance, namespace);
    return declareObject(policy.metadata.name, policy, opts);
}
