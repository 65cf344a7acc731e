/**
 * Pod-level shapes shared by every workload: placement, the Pod Security
 * Standards "restricted" profile, resources and probes. Kept in one place so
 * the policy pack and the components agree on what "restricted" means.
 */
import type { IAffinity as Affinity } from "kubernetes-models/v1/Affinity";
import type { IPodSecurityContext as PodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { IProbe as Probe } from "kubernetes-models/v1/Probe";
import type { ISecurityContext as SecurityContext } from "kubernetes-models/v1/SecurityContext";
import type { ITopologySpreadConstraint as TopologySpreadConstraint } from "kubernetes-models/v1/TopologySpreadConstraint";
import { parseQuantity } from "./validators";
import { zoneTopology } from "./zones";
import { placementMetadata, placementSpec, WorkloadPlacement } from "./placement";
import type { Settings } from "./settings";

export const hostnameTopology = "kubernetes.io/hostname";

/** "required": at most one pod of the workload per node. "preferred": best effort. */
export type AntiAffinityMode = "required" | "preferred";

export function spreadAcrossNodes(matchLabels: Record<string, string>, mode: AntiAffinityMode): Affinity {
    const term = { labelSelector: { matchLabels }, topologyKey: hostnameTopology };
    return {
        podAntiAffinity:
            mode === "required"
                ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
                : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    };
}

/** How a workload's pods spread: per node (anti-affinity) and, with zones on, over zones. */
export interface Spread {
    readonly antiAffinity: AntiAffinityMode;
    /** Zones the nodes spread over (the topologyZones setting); 0 leaves zones out. */
    readonly zones: number;
    /**
     * Keep counting a zone that has lost all its nodes (`minDomains: zones`).
     * Without it the scheduler spreads over the zones that still have nodes
     * only, and a replacement member piles onto a surviving zone (2+1), which
     * then holds a majority (Kubernetes "Pod Topology Spread Constraints",
     * minDomains). For the MongoDB members; Rocket.Chat pods are stateless and
     * better placed anywhere than left Pending. Defaults to false.
     */
    readonly countLostZones?: boolean;
}

/**
 * Pod spec fields that place a workload's pods: one per node, and with zones
 * on at most one more in any zone than in the emptiest (maxSkew 1). The zone
 * rule is hard (DoNotSchedule): a soft one lets the scheduler pile a majority
 * of MongoDB members into one zone when another is short of nodes.
 */
export function podPlacement(matchLabels: Record<string, string>, spread: Spread): { affinity: Affinity; topologySpreadConstraints?: TopologySpreadConstraint[] } {
    const affinity = spreadAcrossNodes(matchLabels, spread.antiAffinity);
    if (spread.zones === 0) {
        return { affinity };
    }
    return {
        affinity,
        topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: zoneTopology,
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels },
            ...(spread.countLostZones ? { minDomains: spread.zones } : {}),
        }],
    };
}

/**
 * Pod security context for the restricted profile. With `uid` the pod runs as
 * that user and group and volumes are group-owned by it; without, the platform
 * (OpenShift's restricted SCC) assigns them.
 */
export function restrictedPodSecurity(uid?: number): PodSecurityContext {
    return {
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
        ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid, fsGroup: uid, fsGroupChangePolicy: "OnRootMismatch" }),
    };
}

/** Container security context for the restricted profile, read-only root file system. */
export function restrictedContainerSecurity(): SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Requests and limits as resources() writes them: string quantities (fits IResourceRequirements and Pulumi's input type). */
export interface Resources {
    readonly requests: Record<"cpu" | "memory" | "ephemeral-storage", string>;
    readonly limits: Record<"cpu" | "memory" | "ephemeral-storage", string>;
}

export interface ResourceSettings {
    readonly cpuRequest: string;
    readonly cpuLimit: string;
    readonly memoryRequest: string;
    readonly memoryLimit: string;
}

/** A workload's requests and limits from its four `<workload>Cpu/Memory Request/Limit` settings. */
export function resourceSettingsOf(s: Settings, workload: "mongodb" | "rocketchat" | "backup"): ResourceSettings {
    return {
        cpuRequest: s[`${workload}CpuRequest`],
        cpuLimit: s[`${workload}CpuLimit`],
        memoryRequest: s[`${workload}MemoryRequest`],
        memoryLimit: s[`${workload}MemoryLimit`],
    };
}

/** What resources() reads of a pod volume: plain objects and Pulumi inputs alike. */
interface ScratchVolume {
    readonly name: unknown;
    readonly emptyDir?: unknown;
}

/** Container logs and the little a read-only root file system still writes. */
const ephemeralBaseBytes = 256 * 2 ** 20;

/**
 * Requests and limits, ephemeral storage included. A pod is evicted when its
 * disk-backed emptyDirs plus container writes exceed the sum of its limits,
 * so the limit is derived from the size limits of the emptyDirs it mounts
 * (memory-backed ones count as memory instead). Pass every disk-backed
 * emptyDir the container writes to; each must carry a sizeLimit.
 */
export function resources(r: ResourceSettings, scratchVolumes: readonly ScratchVolume[] = []): Resources {
    let scratchBytes = 0;
    for (const volume of scratchVolumes) {
        const emptyDir = volume.emptyDir as { medium?: unknown; sizeLimit?: unknown } | undefined;
        if (!emptyDir || emptyDir.medium === "Memory") {
            continue;
        }
        const size = typeof emptyDir.sizeLimit === "string" ? parseQuantity(emptyDir.sizeLimit) : undefined;
        if (size === undefined) {
            throw new Error(`emptyDir ${String(volume.name)} needs a literal sizeLimit to bound the pod's ephemeral storage`);
        }
        scratchBytes += size;
    }
    const limitMi = Math.ceil((ephemeralBaseBytes + scratchBytes) / 2 ** 20);
    return {
        requests: { cpu: r.cpuRequest, memory: r.memoryRequest, "ephemeral-storage": "64Mi" },
        limits: { cpu: r.cpuLimit, memory: r.memoryLimit, "ephemeral-storage": `${limitMi}Mi` },
    };
}

/** A user's name and password as two keys of one Secret (the Secret's name may be opaque, V). */
export interface SecretCredentials<V = never> {
    readonly secretName: string | V;
    readonly usernameKey: string;
    readonly passwordKey: string;
}

/**
 * An environment variable filled from one key of a Secret: credentials never
 * appear as literals. The Secret's name may be a value only the program knows
 * (V: a pulumi.Output there, a placeholder in tests).
 */
export function envFromSecret<V = never>(name: string, secretName: string | V, key: string, options: { optional?: true } = {}):
    { name: string; valueFrom: { secretKeyRef: { name: string | V; key: string; optional?: boolean } } } {
    return { name, valueFrom: { secretKeyRef: { name: secretName, key, ...options } } };
}

/** Probe timing: how often, how long each try may take, how many failures count. */
export interface ProbeTiming {
    readonly periodSeconds: number;
    readonly timeoutSeconds: number;
    readonly failureThreshold: number;
}

export function execProbe(command: string[], timing: ProbeTiming): Probe {
    return { exec: { command }, ...timing };
}

export function httpProbe(path: string, port: number | string, timing: ProbeTiming): Probe {
    return { httpGet: { path, port }, ...timing };
}

/** What differs between the program's run-to-completion Jobs; restrictedJob adds the rest. */
export interface RestrictedJobArgs<Container, JobVolume> {
    readonly name: string;
    readonly namespace: string;
    /** Labels of the Job and its pods. */
    readonly labels: Record<string, string>;
    /** Labels only the pods carry, e.g. a NetworkPolicy's client label. Defaults to none. */
    readonly podLabels?: Record<string, string>;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata. Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** Run as this UID and GID; undefined lets the platform (OpenShift's restricted SCC) assign one. */
    readonly uid?: number;
    readonly backoffLimit: number;
    readonly activeDeadlineSeconds: number;
    /** Containers that run to completion before `containers`. Defaults to none. */
    readonly initContainers?: Container[];
    readonly containers: Container[];
    readonly volumes: JobVolume[];
}

/**
 * Makes the next `pulumi up` replace a Job that has not completed (failed, or
 * cut off by a deadline) instead of waiting on it again: pulumi-kubernetes
 * v4.25.0 provider.go Diff (lines 1485-1503) reads the live Job and plans a
 * replacement when its checker says not ready. Without it a failed Job stays
 * failed under the same name and the stack is stuck until someone deletes it.
 */
export const rerunUnfinishedJob = { "pulumi.com/replaceUnready": "true" } as const;

/**
 * A Job whose pod meets the restricted profile, runs once per try
 * (restartPolicy Never: a failed run keeps its pod for `kubectl logs`), gets
 * no service-account token and is run again by the next `pulumi up` when it
 * did not complete: the skeleton every one-off Job here shares.
 */
export function restrictedJob<Container, JobVolume>(args: RestrictedJobArgs<Container, JobVolume>) {
    const template = {
        metadata: placementMetadata(args.placement, { ...args.labels, ...args.podLabels }),
        spec: {
            ...placementSpec(args.placement),
            restartPolicy: "Never" as const,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurity(args.uid),
            ...(args.initContainers ? { initContainers: args.initContainers } : {}),
            containers: args.containers,
            volumes: args.volumes,
        },
    };
    return {
        apiVersion: "batch/v1" as const,
        kind: "Job" as const,
        metadata: { name: args.name, namespace: args.namespace, labels: args.labels, annotations: { ...rerunUnfinishedJob } },
        spec: { backoffLimit: args.backoffLimit, activeDeadlineSeconds: args.activeDeadlineSeconds, template },
    };
}
