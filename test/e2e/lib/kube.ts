/**
 * Small helpers the cluster scenarios share: kubectl against the throw-away
 * control plane (test/e2e/cluster.sh), fake kwok nodes, polling, and
 * preparing a rendered stack for a scenario namespace.
 */
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";
import { dump } from "js-yaml";

const root = path.resolve(__dirname, "../../..");
const cache = process.env.E2E_CACHE ?? path.join(root, ".cache", "e2e");
export const kubectlBin = path.join(cache, "bin", "kubectl");

export function kubeconfig(): string {
    const kc = process.env.E2E_KUBECONFIG;
    if (!kc) {
        throw new Error("E2E_KUBECONFIG is not set: run the scenarios with `npm run test:cluster` (test/e2e/run.sh)");
    }
    return kc;
}

export interface KubectlResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs kubectl; never throws, the caller checks the code. */
export function kubectlRaw(args: string[], input?: string): KubectlResult {
    const res = spawnSync(kubectlBin, ["--kubeconfig", kubeconfig(), ...args], {
        input,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
    });
    return { code: res.status ?? -1, stdout: res.stdout ?? "", stderr: res.stderr ?? res.error?.message ?? "" };
}

/** Runs kubectl and throws with its stderr on failure. */
export function kubectl(args: string[], input?: string): string {
    const res = kubectlRaw(args, input);
    if (res.code !== 0) {
        throw new Error(`kubectl ${args.join(" ")} failed (${res.code}): ${res.stderr.trim()}`);
    }
    return res.stdout;
}

export function getJson(args: string[]): any {
    return JSON.parse(kubectl(["get", ...args, "-o", "json"]));
}

export function applyObjects(objects: any[], fieldManager = "rocketchat-ha-e2e"): string {
    const yaml = objects.map((o) => dump(o, { lineWidth: -1, noRefs: true })).join("---\n");
    return kubectl(["apply", "--server-side", "--force-conflicts", `--field-manager=${fieldManager}`, "-f", "-"], yaml);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value; throws with the last state on timeout. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | null, timeoutMs = 60_000, intervalMs = 1000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const value = check();
            if (value) {
                return value;
            }
            last = value;
        } catch (err) {
            last = err;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
        }
        await sleep(intervalMs);
    }
}

/** What a scenario sets on a fake node beyond the defaults. */
export interface NodeShape {
    /** topology.kubernetes.io/zone; defaults to the node's own name, so each node is a zone of its own. */
    readonly zone?: string;
    readonly labels?: Record<string, string>;
    readonly taints?: { key: string; value?: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }[];
}

/**
 * A fake node kwok keeps Ready (annotation kwok.x-k8s.io/node=fake), with room
 * for every pod we schedule. Every node carries a zone label: the prod stack
 * spreads over zones (topologyZones), and the scheduler refuses a node without
 * the topology key of a DoNotSchedule constraint (podtopologyspread filtering).
 * One zone per node by default keeps scenarios about nodes about nodes.
 */
export function fakeNode(name: string, shape: NodeShape = {}): any {
    const resources = { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "500Gi" };
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name,
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "type": "kwok",
                "rocketchat-ha.io/e2e": "true",
                "topology.kubernetes.io/zone": shape.zone ?? name,
                ...shape.labels,
            },
        },
        spec: shape.taints ? { taints: shape.taints } : {},
        status: { allocatable: resources, capacity: resources },
    };
}

/** Creates `count` fake nodes named `<prefix>-1..count` (the i-th shaped by `shapeOf(i)`) and waits until kwok has made them Ready. */
export async function createNodes(prefix: string, count: number, shapeOf: (index: number) => NodeShape = () => ({})): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
    const yaml = names.map((n, i) => dump(fakeNode(n, shapeOf(i)))).join("---\n");
    kubectl(["create", "-f", "-"], yaml);
    await waitFor(`nodes ${names.join(", ")} Ready`, () => {
        const nodes = getJson(["nodes", "-l", "rocketchat-ha.io/e2e=true"]).items.filter((n: any) => names.includes(n.metadata.name));
        return nodes.length === count && nodes.every((n: any) => n.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True"));
    });
    return names;
}

export function deleteAllNodes(): void {
    kubectl(["delete", "nodes", "-l", "rocketchat-ha.io/e2e=true", "--wait=false", "--ignore-not-found"]);
}

/** Deletes a namespace and waits until it is gone (kwok removes the pods). */
export async function deleteNamespace(ns: string, timeoutMs = 120_000): Promise<void> {
    kubectl(["delete", "namespace", ns, "--wait=false", "--ignore-not-found"]);
    await waitFor(`namespace ${ns} deleted`, () => kubectlRaw(["get", "namespace", ns]).code !== 0, timeoutMs, 2000);
}

/** After a scenario: its namespace, the fake nodes it created, and the test's PersistentVolumes (cluster-scoped, pre-bound to the namespace). */
export async function teardownScenario(ns: string, nodes: readonly string[]): Promise<void> {
    await deleteNamespace(ns);
    if (nodes.length) {
        kubectl(["delete", "node", ...nodes, "--ignore-not-found", "--wait=false"]);
    }
    kubectlRaw(["delete", "pv", "-l", "rocketchat-ha.io/e2e=true", "--wait=false"]);
}

/**
 * Moves a rendered stack into namespace `ns` (scenarios run side by side) and
 * adds what a real cluster's storage would provide: a PersistentVolume,
 * pre-bound by claimRef, for every claim the stack makes (PVCs and the
 * StatefulSets' volumeClaimTemplates), and a few unclaimed ones for each
 * generic ephemeral volume (its claim is named after a pod not yet created;
 * the PV controller binds it to any matching available volume). Without them
 * pods stay Pending on unbound claims and the scenario would test storage,
 * not scheduling.
 */
export function intoNamespace(objects: any[], ns: string): any[] {
    const moved = objects
        .filter((o) => o.kind !== "Namespace")
        .map((o) => {
            const copy = JSON.parse(JSON.stringify(o));
            copy.metadata.namespace = ns;
            return copy;
        });
    return [{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }, ...moved, ...volumesFor(moved, ns)];
}

export function volumesFor(objects: any[], ns: string): any[] {
    const claims: { name: string; spec: any }[] = [];
    for (const o of objects) {
        if (o.kind === "PersistentVolumeClaim") {
            claims.push({ name: o.metadata.name, spec: o.spec });
        }
        if (o.kind === "StatefulSet") {
            for (const t of o.spec.volumeClaimTemplates ?? []) {
                for (let i = 0; i < (o.spec.replicas ?? 1); i++) {
                    claims.push({ name: `${t.metadata.name}-${o.metadata.name}-${i}`, spec: t.spec });
                }
            }
        }
    }
    const ephemeral = objects.flatMap((o) => ephemeralClaimTemplates(o).map((spec, index) => ({ o, spec, index })));
    const unclaimed = ephemeral.flatMap(({ o, spec, index }) => [0, 1, 2].map((copy) => ({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `${ns}-${o.metadata.name}-ephemeral-${index}-${copy}`.slice(0, 253), labels: { "rocketchat-ha.io/e2e": "true" } },
        spec: {
            capacity: { storage: spec.resources.requests.storage },
            accessModes: spec.accessModes,
            storageClassName: spec.storageClassName ?? "",
            volumeMode: spec.volumeMode ?? "Filesystem",
            persistentVolumeReclaimPolicy: "Retain",
            hostPath: { path: `/e2e-never-mounted/${ns}/${o.metadata.name}-ephemeral-${index}-${copy}` },
        },
    })));
    return [...unclaimed, ...claims.map((c) => ({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `${ns}-${c.name}`.slice(0, 253), labels: { "rocketchat-ha.io/e2e": "true" } },
        spec: {
            capacity: { storage: c.spec.resources.requests.storage },
            accessModes: c.spec.accessModes,
            storageClassName: c.spec.storageClassName ?? "",
            volumeMode: c.spec.volumeMode ?? "Filesystem",
            persistentVolumeReclaimPolicy: "Retain",
            claimRef: { namespace: ns, name: c.name },
            hostPath: { path: `/e2e-never-mounted/${ns}/${c.name}` },
        },
    }))];
}

/** The claim specs of every generic ephemeral volume anywhere in an object's pod templates. */
function ephemeralClaimTemplates(value: any): any[] {
    if (Array.isArray(value)) {
        return value.flatMap(ephemeralClaimTemplates);
    }
    if (value && typeof value === "object") {
        const own = value.ephemeral?.volumeClaimTemplate?.spec ? [value.ephemeral.volumeClaimTemplate.spec] : [];
        return [...own, ...Object.values(value).flatMap(ephemeralClaimTemplates)];
    }
    return [];
}

export function podsOf(ns: string, selector: string): any[] {
    return getJson(["pods", "-n", ns, "-l", selector]).items;
}

export function isReady(pod: any): boolean {
    return pod.status?.phase === "Running" && (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
}

export function unschedulableMessage(pod: any): string | undefined {
    const cond = (pod.status?.conditions ?? []).find((c: any) => c.type === "PodScheduled" && c.status === "False");
    return cond ? `${cond.reason}: ${cond.message}` : undefined;
}

/** Calls the eviction API for a pod; returns the HTTP-level outcome. */
export function evict(ns: string, pod: string): KubectlResult {
    const body = JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod, namespace: ns } });
    return kubectlRaw(["create", "--raw", `/api/v1/namespaces/${ns}/pods/${pod}/eviction`, "-f", "-"], body);
}

export function execOk(cmd: string, args: string[]): string {
    return execFileSync(cmd, args, { encoding: "utf8" });
}
