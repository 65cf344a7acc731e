/**
 * The stack's namespace (createNamespace): every pod here meets the Pod
 * Security Standards' restricted profile, so the namespace asks the cluster
 * to enforce it.
 */
import type { INamespace } from "kubernetes-models/v1/Namespace";

/** A Namespace as the builders return it: cluster-scoped, so metadata has a name and no namespace. */
export type NamespaceObject = Omit<INamespace, "metadata"> & { readonly metadata: { readonly name: string; readonly labels: Record<string, string> } };

export function namespaceObject(name: string): NamespaceObject {
    return {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name,
            labels: {
                "app.kubernetes.io/part-of": "rocketchat-ha",
                "app.kubernetes.io/managed-by": "pulumi",
                // Every pod here meets the restricted profile; let the cluster enforce it.
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
            },
        },
    };
}
