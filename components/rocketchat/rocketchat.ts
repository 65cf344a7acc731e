/**
 * Rocket.Chat: Deployment, Service, uploads claim, autoscaler, disruption
 * budget, NetworkPolicy and Ingress or Route. Settings reach the pods as
 * environment (see environment.ts); credentials only through Secrets.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { createHash } from "crypto";
import { rocketchatApiClientLabels } from "../channels/apiAccess";
import { selectorLabels, standardLabels } from "../labels";
import {
    AntiAffinityMode,
    httpProbe,
    resources,
    ResourceSettings,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    podPlacement,
} from "../podShapes";
import { imageParts, majorMinor } from "../validators";
import { namespacePeer } from "../networkPeers";
import { mostRocketchatPods } from "../settings";
import { writableImageVolumes } from "./appsRuntime";
import { declareExposure } from "./exposure";
import { rollingUpdateFor } from "./rolloutStrategy";
import { ExtraEnvEntry, extraEnvVars } from "./extraEnvironment";
import { httpPort, RocketChatEnvironmentArgs, rocketchatEnvironment, uploadsPath } from "./environment";

/** UID and GID of the rocketchat user in registry.rocket.chat images. */
export const rocketchatImageUid = 65533;

export interface RocketChatArgs {
    readonly namespace: string;
    readonly platform: "kubernetes" | "openshift";
    /** Image with an exact version tag (probes depend on the version). */
    readonly image: string;
    /** Pods when not autoscaled; the autoscaler's minimum otherwise. */
    readonly replicas: number;
    /** Autoscaling on CPU; undefined for a fixed replica count. */
    readonly autoscaling?: { readonly maxReplicas: number; readonly cpuPercent: number };
    /** Scale to zero and drop the autoscaler, e.g. while a restore runs. Defaults to false. */
    readonly scaledToZero?: boolean;
    readonly resources: ResourceSettings;
    readonly antiAffinity: AntiAffinityMode;
    /** Zones the nodes spread over (topologyZones): with zones on, pods spread over them with maxSkew 1. Defaults to 0 (off). */
    readonly zones?: number;
    /** Nodes that can run these pods; with required anti-affinity it decides whether a rollout may surge. */
    readonly schedulableNodes: number;
    readonly fixedUid: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** rocketchatExtraEnv: settings the program does not model. Defaults to none. */
    readonly extraEnv?: ExtraEnvEntry[];
    /** Settings and secret references for the container environment. */
    readonly environment: RocketChatEnvironmentArgs;
    /** Secret values whose change must roll the pods (hashed, never stored). */
    readonly rolloutSecrets: pulumi.Input<string>[];
    /** Labels that let the pods through the MongoDB NetworkPolicy. */
    readonly mongodbClientLabels: Record<string, string>;
    /** Uploads claim when storage is FileSystem. */
    readonly uploadsVolume?: {
        readonly accessMode: "ReadWriteMany" | "ReadWriteOnce";
        readonly storageClassName?: string;
        readonly size: string;
    };
    /**
     * What must have completed before the Deployment is created or changed:
     * the replica-set bootstrap (users exist) and the upgrade guard. Only
     * ordering: nothing of theirs enters the pod template, so a re-run
     * bootstrap does not restart Rocket.Chat. Defaults to none.
     */
    readonly startAfter?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
    /** Namespace of the Prometheus that may scrape environment.metricsPort. Defaults to none (no scraper admitted). */
    readonly metricsScraperNamespace?: string;
    readonly exposure: {
        readonly ingressClassName?: string;
        readonly ingressAnnotations: readonly string[];
        readonly tlsSecretName?: string;
        /** Namespace of the ingress controller (Kubernetes). */
        readonly ingressControllerNamespace: string;
    };
}

/** Most Rocket.Chat pods a voluntary disruption (drain, rollout) may take out of service at once. */
const disruptionBudgetMaxUnavailable = 1;

/** Startup budget: first start and migrations may take up to 10 minutes before liveness applies. */
const startupProbeTiming = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 };

/** Health endpoints by version: /livez and /readyz since 7.11, /health since 5.3. */
export function healthEndpoints(image: string): { live: string; ready: string } {
    const version = majorMinor(imageParts(image).tag);
    const modern = version !== undefined && (version.major > 7 || (version.major === 7 && version.minor >= 11));
    return modern ? { live: "/livez", ready: "/readyz" } : { live: "/health", ready: "/health" };
}

export class RocketChat extends pulumi.ComponentResource {
    public readonly deploymentName: string;
    public readonly serviceName: string;
    /** The uploads claim, or undefined with GridFS storage. */
    public readonly uploadsClaimName?: string;
    public readonly url: string;
    public readonly selector: Record<string, string>;
    /** The container's environment as declared; the stack exports the settings it enforces (index.ts). */
    public readonly environment: k8s.types.input.core.v1.EnvVar[];

    constructor(name: string, args: RocketChatArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.RocketChat.token, name, {}, withFormerTypes("RocketChat", opts));
        const child = childOf(this, opts);
        const id = { instance: name, name: "rocketchat", component: "chat" };
        const selector = selectorLabels(id);
        const labels = standardLabels(id, imageParts(args.image).tag);
        const namespace = args.namespace;
        this.deploymentName = name;
        this.serviceName = name;
        this.selector = selector;
        this.url = `https://${args.environment.hostname}`;

        if (args.uploadsVolume) {
            this.uploadsClaimName = `${name}-uploads`;
            new k8s.core.v1.PersistentVolumeClaim(this.uploadsClaimName, {
                metadata: { name: this.uploadsClaimName, namespace, labels },
                spec: {
                    accessModes: [args.uploadsVolume.accessMode],
                    ...(args.uploadsVolume.storageClassName ? { storageClassName: args.uploadsVolume.storageClassName } : {}),
                    resources: { requests: { storage: args.uploadsVolume.size } },
                },
                // Uploads are user data: `pulumi destroy` leaves the claim in place.
            }, { ...child, retainOnDelete: true });
        }

        // Extra entries come last; the settings refuse any name the program sets (extraEnvironment.ts).
        const env = [...rocketchatEnvironment(args.environment), ...extraEnvVars(args.extraEnv ?? [])];
        this.environment = env;
        const metricsPort = args.environment.metricsPort;
        const health = healthEndpoints(args.image);
        // A changed setting or Secret value changes the template and rolls the pods.
        const checksum = pulumi.all([pulumi.output(env), ...args.rolloutSecrets]).apply(([plainEnv, ...secrets]) =>
            createHash("sha256").update(JSON.stringify({ env: plainEnv, secrets })).digest("hex"));
        const autoscaled = args.autoscaling !== undefined && !args.scaledToZero;
        const rollout = rollingUpdateFor({
            mostPods: mostRocketchatPods({
                autoscalingEnabled: args.autoscaling !== undefined,
                rocketchatReplicas: args.replicas,
                autoscalingMaxReplicas: args.autoscaling?.maxReplicas ?? args.replicas,
            }),
            schedulableNodes: args.schedulableNodes,
            antiAffinity: args.antiAffinity,
            disruptionBudgetMaxUnavailable,
        });
        // The image directories this version writes into (Apps on 8.5+), as seeded emptyDirs.
        const imageWrites = writableImageVolumes(args.image);
        const podVolumes: k8s.types.input.core.v1.Volume[] = [
            { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
            ...imageWrites.volumes,
            ...(this.uploadsClaimName ? [{ name: "uploads", persistentVolumeClaim: { claimName: this.uploadsClaimName } }] : []),
        ];

        const deployment = new k8s.apps.v1.Deployment(name, {
            metadata: { name, namespace, labels },
            spec: {
                // With an autoscaler the replica count is the autoscaler's to
                // own; declaring it here would reset it on every update.
                ...(args.scaledToZero ? { replicas: 0 } : autoscaled ? {} : { replicas: args.replicas }),
                selector: { matchLabels: selector },
                // See rolloutStrategy.ts: surge only when a spare node can take the surge pod.
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: rollout.maxUnavailable, maxSurge: rollout.maxSurge } },
                // A new pod may spend its whole startup budget migrating; the deadline must outlast it.
                progressDeadlineSeconds: startupProbeTiming.periodSeconds * startupProbeTiming.failureThreshold + 300,
                template: {
                    metadata: placementMetadata(args.placement, { ...labels, ...args.mongodbClientLabels }, { "rocketchat-ha.io/config-checksum": pulumi.unsecret(checksum) }),
                    spec: {
                        ...placementSpec(args.placement),
                        ...podPlacement(selector, { antiAffinity: args.antiAffinity, zones: args.zones ?? 0 }),
                        securityContext: restrictedPodSecurity(args.fixedUid ? rocketchatImageUid : undefined),
                        automountServiceAccountToken: false,
                        terminationGracePeriodSeconds: 30,
                        ...(imageWrites.initContainers.length > 0 ? { initContainers: imageWrites.initContainers } : {}),
                        containers: [{
                            name: "rocketchat",
                            image: args.image,
                            env: [...env, { name: "HOME", value: "/tmp" }],
                            ports: [
                                { name: "http", containerPort: httpPort },
                                ...(metricsPort === undefined ? [] : [{ name: "metrics", containerPort: metricsPort }]),
                            ],
                            resources: resources(args.resources, podVolumes),
                            securityContext: restrictedContainerSecurity(),
                            startupProbe: httpProbe(health.live, "http", startupProbeTiming),
                            livenessProbe: httpProbe(health.live, "http", { periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 }),
                            readinessProbe: httpProbe(health.ready, "http", { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
                            volumeMounts: [
                                { name: "tmp", mountPath: "/tmp" },
                                ...imageWrites.mounts,
                                ...(this.uploadsClaimName ? [{ name: "uploads", mountPath: uploadsPath }] : []),
                            ],
                        }],
                        volumes: podVolumes,
                    },
                },
            },
        // Children do not inherit the component's dependsOn: the Deployment names what it waits for.
        }, childOf(this, opts, args.startAfter));

        const service = new k8s.core.v1.Service(name, {
            metadata: { name, namespace, labels },
            spec: { selector, ports: [{ name: "http", port: httpPort, targetPort: "http" }] },
        }, child);

        if (autoscaled) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, {
                metadata: { name, namespace, labels },
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                    minReplicas: args.replicas,
                    maxReplicas: args.autoscaling!.maxReplicas,
                    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.autoscaling!.cpuPercent } } }],
                    // Chat load is bursty; do not drop pods on the first quiet minute.
                    behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
                },
            }, child);
        }

        new k8s.policy.v1.PodDisruptionBudget(name, {
            metadata: { name, namespace, labels },
            spec: { maxUnavailable: disruptionBudgetMaxUnavailable, selector: { matchLabels: selector } },
        }, child);

        const ingressPeers: k8s.types.input.networking.v1.NetworkPolicyPeer[] = args.platform === "openshift"
            ? [
                { namespaceSelector: { matchLabels: { "policy-group.network.openshift.io/ingress": "" } } },
                { namespaceSelector: { matchLabels: { "network.openshift.io/policy-group": "ingress" } } },
            ]
            : [namespacePeer(args.exposure.ingressControllerNamespace)];
        new k8s.networking.v1.NetworkPolicy(name, {
            metadata: { name, namespace, labels },
            spec: {
                podSelector: { matchLabels: selector },
                policyTypes: ["Ingress"],
                ingress: [
                    { from: ingressPeers, ports: [{ protocol: "TCP", port: httpPort }] },
                    // Instances talk to each other on ports they choose at start.
                    { from: [{ podSelector: { matchLabels: selector } }] },
                    // The channel reconciler's Job calls the REST API from inside the namespace.
                    { from: [{ podSelector: { matchLabels: rocketchatApiClientLabels(name) } }], ports: [{ protocol: "TCP", port: httpPort }] },
                    // Only Prometheus reaches the metrics port; the Ingress and Route never route to it.
                    ...(metricsPort !== undefined && args.metricsScraperNamespace
                        ? [{ from: [namespacePeer(args.metricsScraperNamespace)], ports: [{ protocol: "TCP", port: metricsPort }] }]
                        : []),
                ],
            },
        }, child);

        declareExposure(name, {
            namespace,
            platform: args.platform,
            hostname: args.environment.hostname,
            serviceName: service.metadata.name,
            servicePort: "http",
            labels,
            ingressClassName: args.exposure.ingressClassName,
            ingressAnnotations: args.exposure.ingressAnnotations,
            tlsSecretName: args.exposure.tlsSecretName,
            maxUploadBytes: args.environment.uploads.maxFileSizeBytes,
        }, child);

        this.registerOutputs({ url: this.url, deploymentName: this.deploymentName });
    }
}
