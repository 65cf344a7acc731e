/**
 * The MongoDB exporter as plain Kubernetes objects: one Deployment beside the
 * replica set rather than a sidecar per member, its Service and its
 * NetworkPolicy. It reaches every member by name with `--split-cluster` and
 * serves all of them on /scrapeall, each series labelled with the member's
 * host:port as `instance`, so a dead member shows as mongodb_up{instance=...} 0
 * instead of vanishing with its pod; and changing the exporter never rolls the
 * database.
 *
 * Credentials: the monitoring user (clusterMonitor) arrives as
 * MONGODB_USER / MONGODB_PASSWORD from the users Secret, which the exporter
 * reads from its environment (main.go GlobalFlags, env tags). MONGODB_URI
 * carries hosts only, so no password is ever in an argument or a plain value.
 *
 * Pure: the users Secret's name is the one value the builder cannot know; it
 * enters as V.
 */
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IService } from "kubernetes-models/v1/Service";
import type { Opaque } from "../kubernetesObjects";
import { selectorLabels, standardLabels, WorkloadIdentity } from "../labels";
import { namespacePeer, workloadIngressPolicy } from "../networkPeers";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import { envFromSecret, httpProbe, resources, restrictedContainerSecurity, restrictedPodSecurity, SecretCredentials } from "../podShapes";
import { imageParts } from "../validators";

/** The exporter's default listen port (--web.listen-address ":9216"). */
export const exporterPort = 9216;
/** UID:GID of the scratch image's USER (65535:65535 in the Dockerfile). */
export const exporterImageUid = 65535;
/** Serves every member at once, each with an `instance` label (exporter/server.go OverallTargetsHandler). */
export const scrapeAllPath = "/scrapeall";
/** The monitoringExporterImage setting's default. */
export const defaultExporterImage = "percona/mongodb_exporter:0.47.1";
/** The monitoringNamespace setting's default. */
export const defaultScraperNamespace = "monitoring";

export interface MongoExporterObjectArgs<V = never> {
    /** Namespace of the exporter. */
    readonly namespace: string;
    /** percona/mongodb_exporter image with an exact tag or digest. Defaults to percona/mongodb_exporter:0.47.1 (monitoringExporterImage). */
    readonly image?: string;
    /** Member host:port names, as the replica set advertises them. */
    readonly memberHosts: readonly string[];
    /** Secret and keys holding the monitoring user's name and password. */
    readonly credentials: SecretCredentials<V>;
    /** Pod annotations of the program's own (a rotated monitoring user restarts the exporter). Defaults to none. */
    readonly podAnnotations?: Record<string, string>;
    /** Labels that let the pod through the MongoDB NetworkPolicy. */
    readonly mongodbClientLabels: Record<string, string>;
    /** Namespace of the Prometheus allowed to scrape it. Defaults to "monitoring" (monitoringNamespace). */
    readonly scraperNamespace?: string;
    /** Run as the image's UID 65535; false lets the platform assign one (OpenShift). Defaults to true (fixedUids). */
    readonly fixedUid?: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
}

export interface MongoExporterObjects<V = never> {
    readonly deployment: Opaque<IDeployment, V>;
    readonly service: IService;
    readonly networkPolicy: INetworkPolicy;
}

const exporterIdentity = (name: string): WorkloadIdentity => ({ instance: name, name: "mongodb-exporter", component: "monitoring" });

/** Name of the exporter's Deployment, Service and NetworkPolicy; also its Prometheus job. */
export function mongoExporterName(name: string): string {
    return `${name}-mongodb-exporter`;
}

/** Labels of the exporter's Service, for a ServiceMonitor selector. */
export function mongoExporterServiceLabels(name: string, image: string = defaultExporterImage): Record<string, string> {
    return { ...standardLabels(exporterIdentity(name), imageParts(image).tag), "rocketchat-ha.io/metrics": mongoExporterName(name) };
}

export function mongoExporterObjects<V = never>(name: string, args: MongoExporterObjectArgs<V>): MongoExporterObjects<V> {
    const image = args.image ?? defaultExporterImage;
    const selector = selectorLabels(exporterIdentity(name));
    const labels = standardLabels(exporterIdentity(name), imageParts(image).tag);
    const fullName = mongoExporterName(name);
    const namespace = args.namespace;
    // The exporter's own index page: answers without touching MongoDB, so
    // a member outage never restarts the exporter that reports it.
    const readiness = httpProbe("/", "metrics", { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 1 });

    const deployment: Opaque<IDeployment, V> = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: fullName, namespace, labels },
        spec: {
            replicas: 1,
            selector: { matchLabels: selector },
            template: {
                metadata: placementMetadata(args.placement, { ...labels, ...args.mongodbClientLabels }, args.podAnnotations),
                spec: {
                    ...placementSpec(args.placement),
                    automountServiceAccountToken: false,
                    securityContext: restrictedPodSecurity((args.fixedUid ?? true) ? exporterImageUid : undefined),
                    containers: [{
                        name: "exporter",
                        image,
                        args: [
                            `--web.listen-address=:${exporterPort}`,
                            "--split-cluster",
                            "--collector.replicasetstatus",
                            "--collector.diagnosticdata",
                        ],
                        env: [
                            // Hosts only; the exporter adds MONGODB_USER/MONGODB_PASSWORD to each member's URI.
                            { name: "MONGODB_URI", value: `mongodb://${args.memberHosts.join(",")}/admin?authSource=admin` },
                            envFromSecret("MONGODB_USER", args.credentials.secretName, args.credentials.usernameKey),
                            envFromSecret("MONGODB_PASSWORD", args.credentials.secretName, args.credentials.passwordKey),
                        ],
                        ports: [{ name: "metrics", containerPort: exporterPort }],
                        resources: resources({ cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" }),
                        securityContext: restrictedContainerSecurity(),
                        // Alive while it accepts connections; ready once it answers a scrape.
                        livenessProbe: { tcpSocket: { port: "metrics" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
                        readinessProbe: readiness,
                    }],
                },
            },
        },
    };

    const service: IService = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: fullName, namespace, labels: mongoExporterServiceLabels(name, image) },
        spec: { selector, ports: [{ name: "metrics", port: exporterPort, targetPort: "metrics" }] },
    };

    const networkPolicy: INetworkPolicy = workloadIngressPolicy({ name: fullName, namespace, labels }, selector,
        [{ from: [namespacePeer(args.scraperNamespace ?? defaultScraperNamespace)], ports: [{ protocol: "TCP", port: exporterPort }] }]);
    return { deployment, service, networkPolicy };
}
