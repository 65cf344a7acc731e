/**
 * Rocket.Chat as plain Kubernetes objects: Deployment, Service, uploads
 * claim, autoscaler, disruption budget, NetworkPolicy and Ingress or Route.
 * Settings reach the pods as environment (environment.ts); credentials only
 * through Secrets, whose names may be opaque values V (a placeholder in
 * tests, a pulumi.Output in the program), as is the config checksum.
 *
 * Pure: no Pulumi runtime. components/rocketchat/rocketchat.ts registers the
 * objects; settingsArgs.ts maps the stack settings onto these args.
 */
import { createHash } from "crypto";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IService } from "kubernetes-models/v1/Service";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { OpaqueBody } from "../kubernetesObjects";
import { rocketchatApiClientLabels } from "../channels/apiAccess";
import { selectorLabels, standardLabels } from "../labels";
import { namespacePeer, workloadIngressPolicy } from "../networkPeers";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import {
    AntiAffinityMode,
    httpProbe,
    podPlacement,
    resources,
    ResourceSettings,
    restrictedContainerSecurity,
    restrictedPodSecurity,
} from "../podShapes";
import { mostRocketchatPods } from "../settings";
import { imageParts, majorMinor } from "../validators";
import { writableImageVolumes } from "./appsRuntime";
import { EnvVar, httpPort, RocketChatEnvironmentArgs, rocketchatEnvironment, SsoEnvironment, uploadsPath } from "./environment";
import { exposureObject, IRoute } from "./exposure";
import { ExtraEnvEntry, extraEnvVars } from "./extraEnvironment";
import { rocketchatDefaults as d } from "./defaults";
import { rollingUpdateFor } from "./rolloutStrategy";

/** UID and GID of the rocketchat user in registry.rocket.chat images. */
export const rocketchatImageUid = 65533;

/** Autoscaling on CPU. */
export interface AutoscalingArgs {
    /** Most pods. Defaults to 3 (autoscalingMaxReplicas). */
    readonly maxReplicas?: number;
    /** Average CPU utilisation the autoscaler aims at, in percent of the request. Defaults to 80 (autoscalingCpuPercent). */
    readonly cpuPercent?: number;
}

export interface UploadsArgs {
    /** FileSystem (a claim at /app/uploads) or GridFS (in MongoDB, no claim). Defaults to FileSystem (uploadsStorage). */
    readonly storage?: "FileSystem" | "GridFS";
    /** The claim's access mode; several pods on several nodes need ReadWriteMany. Defaults to ReadWriteMany (uploadsAccessMode). */
    readonly accessMode?: "ReadWriteMany" | "ReadWriteOnce";
    /** The claim's storage class; empty uses the cluster default. Defaults to "" (uploadsStorageClass). */
    readonly storageClassName?: string;
    /** The claim's size. Defaults to 20Gi (uploadsStorageSize). */
    readonly size?: string;
    /** Largest upload in bytes; -1 for no limit. Defaults to 104857600 (uploadsMaxFileSizeBytes). */
    readonly maxFileSizeBytes?: number;
    /** Media types users may upload; empty allows all. Defaults to none (uploadsMediaTypeWhitelist). */
    readonly mediaTypeWhitelist?: readonly string[];
}

export interface RetentionArgs {
    /** Prune old messages. Defaults to false (retentionEnabled). */
    readonly enabled?: boolean;
    /** Days kept in channels. Defaults to 365 (retentionMaxAgeChannelsDays). */
    readonly channelsDays?: number;
    /** Days kept in private groups. Defaults to 365 (retentionMaxAgeGroupsDays). */
    readonly groupsDays?: number;
    /** Days kept in direct messages. Defaults to 365 (retentionMaxAgeDirectDays). */
    readonly directDays?: number;
    /** Prune only files, keep messages. Defaults to false (retentionFilesOnly). */
    readonly filesOnly?: boolean;
}

export interface ExposureSettings {
    /** IngressClass; empty uses the cluster default. Kubernetes only. Defaults to "" (ingressClassName). */
    readonly ingressClassName?: string;
    /** Extra Ingress annotations as key=value. Defaults to none (ingressAnnotations). */
    readonly ingressAnnotations?: readonly string[];
    /** `pulumi up` waits for the Ingress's load-balancer status; false skips that wait. Kubernetes only. Defaults to true (ingressAwaitLoadBalancer). */
    readonly awaitLoadBalancer?: boolean;
    /** TLS Secret of the Ingress; empty uses the controller's default certificate. Defaults to rocketchat-tls (tlsSecretName). */
    readonly tlsSecretName?: string;
    /** Namespace of the ingress controller the NetworkPolicy admits (Kubernetes). Defaults to ingress-nginx (ingressControllerNamespace). */
    readonly ingressControllerNamespace?: string;
}

export interface RocketChatObjectsArgs<V> {
    readonly namespace: string;
    /** Public host name users open (ROOT_URL https://<hostname>). */
    readonly hostname: string;
    /** "kubernetes" (Ingress) or "openshift" (Route). Defaults to kubernetes (platform). */
    readonly platform?: "kubernetes" | "openshift";
    /** Image with an exact version tag (probes depend on the version). Defaults to registry.rocket.chat/rocketchat/rocket.chat:8.5.1 (rocketchatImage). */
    readonly image?: string;
    /** Pods when not autoscaled; the autoscaler's minimum otherwise. Defaults to 3 (rocketchatReplicas). */
    readonly replicas?: number;
    /** Autoscaling on CPU, or false for a fixed replica count. Defaults to on with its own defaults (autoscalingEnabled true). */
    readonly autoscaling?: AutoscalingArgs | false;
    /** Scale to zero and drop the autoscaler, e.g. while a restore runs. Defaults to false. */
    readonly scaledToZero?: boolean;
    /** Requests and limits. Defaults to 500m/2 CPU, 1Gi/2Gi memory (rocketchatCpuRequest, ...). */
    readonly resources?: ResourceSettings;
    /** "required" (one pod per node) or "preferred". Defaults to required (podAntiAffinity). */
    readonly antiAffinity?: AntiAffinityMode;
    /** Zones the nodes spread over: with zones on, pods spread over them with maxSkew 1. Defaults to 0, off (topologyZones). */
    readonly zones?: number;
    /** Nodes that can run these pods; with required anti-affinity it decides whether a rollout may surge. Defaults to 3 (schedulableNodes). */
    readonly schedulableNodes?: number;
    /** Pin runAsUser/fsGroup to the image's UID 65533 (false on OpenShift). Defaults to true (fixedUids). */
    readonly fixedUid?: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata. Defaults to none (podPlacement, imagePullSecrets). */
    readonly placement?: WorkloadPlacement;
    /** Settings the program does not model, added last. Defaults to none (rocketchatExtraEnv). */
    readonly extraEnv?: readonly ExtraEnvEntry[];
    /** Secret with key `mongo-url` (the replica set's connection Secret). */
    readonly connectionSecretName: string | V;
    /** Secret with keys username, password, email of the break-glass admin. */
    readonly adminSecretName: string | V;
    /** Keycloak login. Defaults to none: the local login form stays. */
    readonly sso?: SsoEnvironment<V>;
    /** Where uploads go and which are allowed. Each field defaults as documented there. */
    readonly uploads?: UploadsArgs;
    /** Message retention. Each field defaults as documented there. */
    readonly retention?: RetentionArgs;
    /** Existing Secret with key `license`; empty for none. Defaults to "" (licenseSecretName). */
    readonly licenseSecretName?: string;
    /** Existing Secret with keys host, port, username, password, from; empty for none. Defaults to "" (smtpSecretName). */
    readonly smtpSecretName?: string;
    /** Rocket.Chat's Prometheus endpoint. Defaults to off (monitoringEnabled false). */
    readonly metrics?: {
        /** Port of the endpoint. Defaults to 9458 (monitoringRocketchatPort). */
        readonly port?: number;
        /** Namespace of the Prometheus that may scrape it. Defaults to none (no scraper admitted). */
        readonly scraperNamespace?: string;
    };
    /** Ingress or Route. Each field defaults as documented there. */
    readonly exposure?: ExposureSettings;
    /** Labels that let the pods through the MongoDB NetworkPolicy (the replica set's client labels). */
    readonly mongodbClientLabels: Readonly<Record<string, string>>;
}

/** What other parts of the platform need to know about an instance's Rocket.Chat, without building it. */
export interface RocketChatRefs {
    readonly deploymentName: string;
    readonly serviceName: string;
    /** The pods' selector labels. */
    readonly selector: Record<string, string>;
    /** Labels a pod needs to call the REST API through the NetworkPolicy (the channels Job). */
    readonly apiClientLabels: Record<string, string>;
    /** The uploads claim, or undefined with GridFS storage. */
    readonly uploadsClaimName?: string;
}

export function rocketchatRefs(name: string, uploadsStorage: "FileSystem" | "GridFS" = d.uploadsStorage): RocketChatRefs {
    return {
        deploymentName: name,
        serviceName: name,
        selector: selectorLabels(workloadIdentity(name)),
        apiClientLabels: rocketchatApiClientLabels(name),
        ...(uploadsStorage === "FileSystem" ? { uploadsClaimName: `${name}-uploads` } : {}),
    };
}

export interface RocketChatObjects<V> {
    /** With FileSystem storage only. Uploads are user data: the component keeps the claim on destroy. */
    readonly uploadsClaim?: IPersistentVolumeClaim;
    readonly deployment: OpaqueBody<IDeployment, V>;
    readonly service: IService;
    /** When autoscaled and not scaled to zero. */
    readonly autoscaler?: IHorizontalPodAutoscaler;
    readonly disruptionBudget: IPodDisruptionBudget;
    readonly networkPolicy: INetworkPolicy;
    /** Ingress on Kubernetes, Route on OpenShift. */
    readonly exposure: IIngress | IRoute;
}

/** Most Rocket.Chat pods a voluntary disruption (drain, rollout) may take out of service at once. */
const disruptionBudgetMaxUnavailable = 1;

/** Startup budget: first start and migrations may take up to 10 minutes before liveness applies. */
const startupProbeTiming = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 };

/** The annotation whose change rolls the pods when a setting or Secret value changes. */
export const configChecksumAnnotation = "rocketchat-ha.io/config-checksum";

/** Health endpoints by version: /livez and /readyz since 7.11, /health since 5.3. */
export function healthEndpoints(image: string): { live: string; ready: string } {
    const version = majorMinor(imageParts(image).tag);
    const modern = version !== undefined && (version.major > 7 || (version.major === 7 && version.minor >= 11));
    return modern ? { live: "/livez", ready: "/readyz" } : { live: "/health", ready: "/health" };
}

const workloadIdentity = (name: string) => ({ instance: name, name: "rocketchat", component: "chat" });

function uploadsOf(args: RocketChatObjectsArgs<unknown>): Required<UploadsArgs> {
    const u = args.uploads ?? {};
    return {
        storage: u.storage ?? d.uploadsStorage,
        accessMode: u.accessMode ?? d.uploadsAccessMode,
        storageClassName: u.storageClassName ?? d.uploadsStorageClass,
        size: u.size ?? d.uploadsStorageSize,
        maxFileSizeBytes: u.maxFileSizeBytes ?? d.uploadsMaxFileSizeBytes,
        mediaTypeWhitelist: u.mediaTypeWhitelist ?? d.uploadsMediaTypeWhitelist,
    };
}

function metricsPortOf(args: RocketChatObjectsArgs<unknown>): number | undefined {
    return args.metrics ? args.metrics.port ?? d.monitoringRocketchatPort : undefined;
}

function environmentArgs<V>(args: RocketChatObjectsArgs<V>): RocketChatEnvironmentArgs<V> {
    const uploads = uploadsOf(args);
    const r = args.retention ?? {};
    return {
        hostname: args.hostname,
        connectionSecretName: args.connectionSecretName,
        adminSecretName: args.adminSecretName,
        sso: args.sso,
        uploads: { storage: uploads.storage, maxFileSizeBytes: uploads.maxFileSizeBytes, mediaTypeWhitelist: uploads.mediaTypeWhitelist },
        retention: {
            enabled: r.enabled ?? d.retentionEnabled,
            channelsDays: r.channelsDays ?? d.retentionMaxAgeChannelsDays,
            groupsDays: r.groupsDays ?? d.retentionMaxAgeGroupsDays,
            directDays: r.directDays ?? d.retentionMaxAgeDirectDays,
            filesOnly: r.filesOnly ?? d.retentionFilesOnly,
        },
        licenseSecretName: (args.licenseSecretName ?? d.licenseSecretName) || undefined,
        smtpSecretName: (args.smtpSecretName ?? d.smtpSecretName) || undefined,
        metricsPort: metricsPortOf(args),
    };
}

/**
 * The container environment the settings produce, extra entries last (the
 * settings refuse any name the program sets, extraEnvironment.ts). The
 * component hashes it, with the Secret values, into the config checksum.
 */
export function rocketchatContainerEnv<V>(args: RocketChatObjectsArgs<V>): EnvVar<V>[] {
    return [...rocketchatEnvironment(environmentArgs(args)), ...extraEnvVars(args.extraEnv ?? d.rocketchatExtraEnv)];
}

/**
 * The pod-template checksum: a hash of the environment and the Secret values
 * it refers to (the values are hashed, never stored). The component resolves
 * both from Outputs and passes the result to rocketchatObjects.
 */
export function configChecksum(env: readonly unknown[], secrets: readonly string[]): string {
    return createHash("sha256").update(JSON.stringify({ env, secrets })).digest("hex");
}

/**
 * Every Rocket.Chat object of instance `name`. `configChecksum` (a hash of the
 * environment and the Secret values it refers to) goes into the pod template,
 * so a changed setting or Secret rolls the pods.
 */
export function rocketchatObjects<V>(name: string, args: RocketChatObjectsArgs<V>, configChecksum: V): RocketChatObjects<V> {
    const refs = rocketchatRefs(name, uploadsOf(args).storage);
    const selector = refs.selector;
    const image = args.image ?? d.rocketchatImage;
    const labels = standardLabels(workloadIdentity(name), imageParts(image).tag);
    const namespace = args.namespace;
    const platform = args.platform ?? d.platform;
    const replicas = args.replicas ?? d.rocketchatReplicas;
    const autoscaling = args.autoscaling === false ? undefined : {
        maxReplicas: args.autoscaling?.maxReplicas ?? d.autoscalingMaxReplicas,
        cpuPercent: args.autoscaling?.cpuPercent ?? d.autoscalingCpuPercent,
    };
    const antiAffinity = args.antiAffinity ?? d.podAntiAffinity;
    const uploads = uploadsOf(args);
    const exposure = args.exposure ?? {};

    const env = rocketchatContainerEnv(args);
    const metricsPort = metricsPortOf(args);
    const scraperNamespace = args.metrics?.scraperNamespace;
    const health = healthEndpoints(image);
    const autoscaled = autoscaling !== undefined && !args.scaledToZero;
    const rollout = rollingUpdateFor({
        mostPods: mostRocketchatPods({
            autoscalingEnabled: autoscaling !== undefined,
            rocketchatReplicas: replicas,
            autoscalingMaxReplicas: autoscaling?.maxReplicas ?? replicas,
        }),
        schedulableNodes: args.schedulableNodes ?? d.schedulableNodes,
        antiAffinity,
        disruptionBudgetMaxUnavailable,
    });
    // The image directories this version writes into (Apps on 8.5+), as seeded emptyDirs.
    const imageWrites = writableImageVolumes(image);
    const podVolumes: IVolume[] = [
        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
        ...imageWrites.volumes,
        ...(refs.uploadsClaimName ? [{ name: "uploads", persistentVolumeClaim: { claimName: refs.uploadsClaimName } }] : []),
    ];
    const templateMetadata = placementMetadata(args.placement, { ...labels, ...args.mongodbClientLabels });
    // podShapes and placement still speak Pulumi's input types; their values here are plain.
    const podShape = {
        ...placementSpec(args.placement),
        ...podPlacement(selector, { antiAffinity, zones: args.zones ?? d.topologyZones }),
        securityContext: restrictedPodSecurity((args.fixedUid ?? d.fixedUids) ? rocketchatImageUid : undefined),
    } as Pick<IPodSpec, "nodeSelector" | "tolerations" | "priorityClassName" | "imagePullSecrets" | "affinity" | "topologySpreadConstraints" | "securityContext">;
    const containerShape = {
        resources: resources(args.resources ?? d.resources, podVolumes as Parameters<typeof resources>[1]),
        securityContext: restrictedContainerSecurity(),
        startupProbe: httpProbe(health.live, "http", startupProbeTiming),
        livenessProbe: httpProbe(health.live, "http", { periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 }),
        readinessProbe: httpProbe(health.ready, "http", { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
    } as Pick<IPodSpec["containers"][number], "resources" | "securityContext" | "startupProbe" | "livenessProbe" | "readinessProbe">;

    const uploadsClaim: IPersistentVolumeClaim | undefined = refs.uploadsClaimName
        ? {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: refs.uploadsClaimName, namespace, labels },
            spec: {
                accessModes: [uploads.accessMode],
                ...(uploads.storageClassName ? { storageClassName: uploads.storageClassName } : {}),
                resources: { requests: { storage: uploads.size } },
            },
        }
        : undefined;

    const deployment: OpaqueBody<IDeployment, V> = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: refs.deploymentName, namespace, labels },
        spec: {
            // With an autoscaler the replica count is the autoscaler's to
            // own; declaring it here would reset it on every update.
            ...(args.scaledToZero ? { replicas: 0 } : autoscaled ? {} : { replicas }),
            selector: { matchLabels: selector },
            // See rolloutStrategy.ts: surge only when a spare node can take the surge pod.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: rollout.maxUnavailable, maxSurge: rollout.maxSurge } },
            // A new pod may spend its whole startup budget migrating; the deadline must outlast it.
            progressDeadlineSeconds: startupProbeTiming.periodSeconds * startupProbeTiming.failureThreshold + 300,
            template: {
                metadata: { labels: templateMetadata.labels, annotations: { ...templateMetadata.annotations as Record<string, string>, [configChecksumAnnotation]: configChecksum } },
                spec: {
                    ...podShape,
                    automountServiceAccountToken: false,
                    terminationGracePeriodSeconds: 30,
                    ...(imageWrites.initContainers.length > 0 ? { initContainers: imageWrites.initContainers } : {}),
                    containers: [{
                        name: "rocketchat",
                        image,
                        env: [...env, { name: "HOME", value: "/tmp" }],
                        ports: [
                            { name: "http", containerPort: httpPort },
                            ...(metricsPort === undefined ? [] : [{ name: "metrics", containerPort: metricsPort }]),
                        ],
                        ...containerShape,
                        volumeMounts: [
                            { name: "tmp", mountPath: "/tmp" },
                            ...imageWrites.mounts,
                            ...(refs.uploadsClaimName ? [{ name: "uploads", mountPath: uploadsPath }] : []),
                        ],
                    }],
                    volumes: podVolumes,
                },
            },
        },
    };

    const service: IService = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: refs.serviceName, namespace, labels },
        spec: { selector, ports: [{ name: "http", port: httpPort, targetPort: "http" }] },
    };

    const autoscaler: IHorizontalPodAutoscaler | undefined = autoscaled
        ? {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: { name, namespace, labels },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: refs.deploymentName },
                minReplicas: replicas,
                maxReplicas: autoscaling.maxReplicas,
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: autoscaling.cpuPercent } } }],
                // Chat load is bursty; do not drop pods on the first quiet minute.
                behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
            },
        }
        : undefined;

    const disruptionBudget: IPodDisruptionBudget = {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace, labels },
        spec: { maxUnavailable: disruptionBudgetMaxUnavailable, selector: { matchLabels: selector } },
    };

    const ingressPeers: INetworkPolicyPeer[] = platform === "openshift"
        ? [
            { namespaceSelector: { matchLabels: { "policy-group.network.openshift.io/ingress": "" } } },
            { namespaceSelector: { matchLabels: { "network.openshift.io/policy-group": "ingress" } } },
        ]
        : [namespacePeer(exposure.ingressControllerNamespace ?? d.ingressControllerNamespace) as INetworkPolicyPeer];
    const networkPolicy: INetworkPolicy = workloadIngressPolicy({ name, namespace, labels }, selector, [
        { from: ingressPeers, ports: [{ protocol: "TCP", port: httpPort }] },
        // Instances talk to each other on ports they choose at start.
        { from: [{ podSelector: { matchLabels: selector } }] },
        // The channel reconciler's Job calls the REST API from inside the namespace.
        { from: [{ podSelector: { matchLabels: refs.apiClientLabels } }], ports: [{ protocol: "TCP", port: httpPort }] },
        // Only Prometheus reaches the metrics port; the Ingress and Route never route to it.
        ...(metricsPort !== undefined && scraperNamespace
            ? [{ from: [namespacePeer(scraperNamespace) as INetworkPolicyPeer], ports: [{ protocol: "TCP" as const, port: metricsPort }] }]
            : []),
    ]);

    return {
        ...(uploadsClaim ? { uploadsClaim } : {}),
        deployment,
        service,
        ...(autoscaler ? { autoscaler } : {}),
        disruptionBudget,
        networkPolicy,
        exposure: exposureObject(name, {
            namespace,
            platform,
            hostname: args.hostname,
            serviceName: refs.serviceName,
            servicePort: "http",
            labels,
            ingressClassName: exposure.ingressClassName ?? d.ingressClassName,
            ingressAnnotations: exposure.ingressAnnotations ?? d.ingressAnnotations,
            awaitLoadBalancer: exposure.awaitLoadBalancer ?? d.ingressAwaitLoadBalancer,
            tlsSecretName: exposure.tlsSecretName ?? d.tlsSecretName,
            maxUploadBytes: uploads.maxFileSizeBytes,
        }),
    };
}
