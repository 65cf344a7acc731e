/**
 * What a real cluster provides and the project's control plane (test/e2e,
 * kwok nodes, no cloud controllers) does not, run by the engine tests while
 * `pulumi up` waits on the objects:
 *
 * - a storage provisioner: every Pending PersistentVolumeClaim gets a
 *   PersistentVolume of its class, size and access modes, pre-bound to it by
 *   claimRef (the PV controller then binds the pair), as a dynamic
 *   provisioner would; without it pods stay Pending on unbound claims and the
 *   provider's StatefulSet and Job await never ends;
 * - an ingress controller's one visible effect: the Ingress's
 *   status.loadBalancer, which pulumi-kubernetes waits for (await.go,
 *   "Ingress ... waiting for load balancer"); without it `up` fails after the
 *   provider's 10-minute timeout;
 * - the StorageClasses a stack names (a real cluster has them installed),
 *   expandable unless a test says otherwise;
 * - a volume resizer's visible effect: a bound claim whose request grew past
 *   its capacity gets the new size on its PersistentVolume and in its
 *   status, as the external-resizer and the kubelet do for an online
 *   expansion (the apiserver's PersistentVolumeClaimResize admission has
 *   already refused the request when the class does not allow expansion).
 *
 * Polling through kubectl (the control plane's own client) keeps this a
 * handful of lines; the interval is short compared with the provider's
 * awaits.
 */
import { parseQuantity } from "../../../components/validators";
import { kubectl, kubectlRaw } from "../../e2e/lib/kube";

const managedLabel = "rocketchat-ha.io/engine-test";

/** StorageClasses with a provisioner nobody runs: binding comes from the PVs created here. */
export function createStorageClasses(names: string[], allowVolumeExpansion = true): void {
    const docs = [...new Set(names)].map((name) => JSON.stringify({
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name, labels: { [managedLabel]: "true" } },
        provisioner: "engine-test.rocketchat-ha.io/none",
        reclaimPolicy: "Retain",
        volumeBindingMode: "Immediate",
        allowVolumeExpansion,
    }));
    if (docs.length) {
        kubectl(["apply", "-f", "-"], docs.join("\n"));
    }
}

function pendingClaims(): any[] {
    const res = kubectlRaw(["get", "pvc", "--all-namespaces", "-o", "json"]);
    return res.code === 0 ? JSON.parse(res.stdout).items.filter((c: any) => c.status?.phase === "Pending" && !c.spec.volumeName) : [];
}

function volumeFor(claim: any): any {
    const ns = claim.metadata.namespace;
    const name = claim.metadata.name;
    return {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `${ns}-${name}`.slice(0, 253), labels: { [managedLabel]: "true" } },
        spec: {
            capacity: { storage: claim.spec.resources.requests.storage },
            accessModes: claim.spec.accessModes,
            storageClassName: claim.spec.storageClassName ?? "",
            volumeMode: claim.spec.volumeMode ?? "Filesystem",
            persistentVolumeReclaimPolicy: "Retain",
            claimRef: { namespace: ns, name, uid: claim.metadata.uid },
            hostPath: { path: `/engine-test-never-mounted/${ns}/${name}` },
        },
    };
}

/** Bound claims asking for more than they have (parseQuantity: the same units on both sides). */
function claimsToResize(): any[] {
    const res = kubectlRaw(["get", "pvc", "--all-namespaces", "-o", "json"]);
    const bytes = (q: string | undefined) => (q === undefined ? undefined : parseQuantity(q));
    return res.code === 0 ? JSON.parse(res.stdout).items.filter((c: any) => c.status?.phase === "Bound" && c.spec.volumeName &&
        (bytes(c.spec.resources?.requests?.storage) ?? 0) > (bytes(c.status.capacity?.storage) ?? Infinity)) : [];
}

/** What the resizer and the kubelet finish with: the volume and the claim's status at the requested size. */
function resize(claim: any): void {
    const size = claim.spec.resources.requests.storage;
    kubectlRaw(["patch", "pv", claim.spec.volumeName, "--type=merge", "-p", JSON.stringify({ spec: { capacity: { storage: size } } })]);
    kubectlRaw(["-n", claim.metadata.namespace, "patch", "pvc", claim.metadata.name, "--subresource=status", "--type=merge",
        "-p", JSON.stringify({ status: { capacity: { storage: size } } })]);
}

function ingressesWithoutAddress(): any[] {
    const res = kubectlRaw(["get", "ingress", "--all-namespaces", "-o", "json"]);
    return res.code === 0 ? JSON.parse(res.stdout).items.filter((i: any) => !(i.status?.loadBalancer?.ingress ?? []).length) : [];
}

/** What an ingress controller that admitted the Ingress does: publish an address in its status. */
export function publishAddress(ingress: { metadata: { namespace: string; name: string } }): void {
    const status = JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: "127.0.0.1" }] } } });
    kubectlRaw(["-n", ingress.metadata.namespace, "patch", "ingress", ingress.metadata.name, "--subresource=status", "--type=merge", "-p", status]);
}

/**
 * Starts the loop; the returned function stops it. Ingresses in
 * `namespacesWithoutIngressStatus` get no status, as under a controller that
 * never publishes one (test/engine/ingressAwait.engine.ts).
 */
export function startClusterServices(intervalMs = 2000, namespacesWithoutIngressStatus: readonly string[] = []): () => Promise<void> {
    let stopped = false;
    const loop = (async () => {
        while (!stopped) {
            for (const claim of pendingClaims()) {
                kubectlRaw(["create", "-f", "-"], JSON.stringify(volumeFor(claim)));
            }
            claimsToResize().forEach(resize);
            for (const ingress of ingressesWithoutAddress().filter((i) => !namespacesWithoutIngressStatus.includes(i.metadata.namespace))) {
                publishAddress(ingress);
            }
            await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
    })();
    return async () => {
        stopped = true;
        await loop;
    };
}
