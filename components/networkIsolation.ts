/**
 * Ingress isolation for every pod of the instance. NetworkPolicies add up: a
 * pod selected by any policy accepts only what some policy admits. This one
 * selects every pod carrying the instance label and admits nothing, so pods
 * without a policy of their own (bootstrap, backup and channel Jobs) accept no
 * connections, and the per-workload policies stay the only openings.
 */
import * as k8s from "./k8s";
import * as pulumi from "@pulumi/pulumi";

export function denyIngressByDefault(instance: string, namespace: string, opts: pulumi.CustomResourceOptions): k8s.networking.v1.NetworkPolicy {
    const name = `${instance}-default-deny-ingress`;
    return new k8s.networking.v1.NetworkPolicy(name, {
        metadata: { name, namespace, labels: { "app.kubernetes.io/instance": instance, "app.kubernetes.io/part-of": "rocketchat-ha", "app.kubernetes.io/managed-by": "pulumi" } },
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/instance": instance } },
            policyTypes: ["Ingress"],
        },
    }, opts);
}
