/**
 * The MongoDB exporter: one Deployment beside the replica set rather than a
 * sidecar per member. It reaches every member by name with `--split-cluster`
 * and serves all of them on /scrapeall, each series labelled with the
 * member's host:port as `instance`, so a dead member shows as
 * mongodb_up{instance=...} 0 instead of vanishing with its pod; and changing
 * the exporter never rolls the database.
 *
 * Credentials: the monitoring user (clusterMonitor) arrives as
 * MONGODB_USER / MONGODB_PASSWORD from the users Secret, which the exporter
 * reads from its environment (main.go GlobalFlags, env tags). MONGODB_URI
 * carries hosts only, so no password is ever in an argument or a plain value.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { selectorLabels, standardLabels } from "../labels";
import { envFromSecret, httpProbe, resources, restrictedContainerSecurity, restrictedPodSecurity } from "../podShapes";
import { imageParts } from "../validators";
import { namespacePeer } from "../networkPeers";

/** The exporter's default listen port (--web.listen-address ":9216"). */
export const exporterPort = 9216;
/** UID:GID of the scratch image's USER (65535:65535 in the Dockerfile). */
export const exporterImageUid = 65535;
/** Serves every member at once, each with an `instance` label (exporter/server.go OverallTargetsHandler). */
export const scrapeAllPath = "/scrapeall";

export interface MongoExporterArgs {
    /** Namespace of the exporter. */
    readonly namespace: string;
    /** percona/mongodb_exporter image with an exact tag or digest. */
    readonly image: string;
    /** Member host:port names, as the replica set advertises them. */
    readonly memberHosts: readonly string[];
    /** Secret and keys holding the monitoring user's name and password. */
    readonly credentials: {
        readonly secretName: pulumi.Input<string>;
        readonly usernameKey: string;
        readonly passwordKey: string;
    };
    /** Labels that let the pod through the MongoDB NetworkPolicy. */
    readonly mongodbClientLabels: Record<string, string>;
    /** Namespace of the Prometheus allowed to scrape it. */
    readonly scraperNamespace: string;
    /** Run as the image's UID 65535. False lets the platform assign one (OpenShift). */
    readonly fixedUid: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
}

export class MongoExporter extends pulumi.ComponentResource {
    public readonly serviceName: string;
    /** Labels of the Service, for a ServiceMonitor selector. */
    public readonly serviceLabels: Record<string, string>;

    constructor(name: string, args: MongoExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.MongoExporter.token, name, {}, withFormerTypes("MongoExporter", opts));
        const child = childOf(this, opts);
        const id = { instance: name, name: "mongodb-exporter", component: "monitoring" };
        const selector = selectorLabels(id);
        const labels = standardLabels(id, imageParts(args.image).tag);
        const fullName = `${name}-mongodb-exporter`;
        const namespace = args.namespace;
        // The exporter's own index page: answers without touching MongoDB, so
        // a member outage never restarts the exporter that reports it.
        const readiness = httpProbe("/", "metrics", { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 1 });

        new k8s.apps.v1.Deployment(fullName, {
            metadata: { name: fullName, namespace, labels },
            spec: {
                replicas: 1,
                selector: { matchLabels: selector },
                template: {
                    metadata: placementMetadata(args.placement, { ...labels, ...args.mongodbClientLabels }),
                    spec: {
                        ...placementSpec(args.placement),
                        automountServiceAccountToken: false,
                        securityContext: restrictedPodSecurity(args.fixedUid ? exporterImageUid : undefined),
                        containers: [{
                            name: "exporter",
                            image: args.image,
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
        }, child);

        this.serviceName = fullName;
        this.serviceLabels = { ...labels, "rocketchat-ha.io/metrics": fullName };
        new k8s.core.v1.Service(fullName, {
            metadata: { name: fullName, namespace, labels: this.serviceLabels },
            spec: { selector, ports: [{ name: "metrics", port: exporterPort, targetPort: "metrics" }] },
        }, child);

        new k8s.networking.v1.NetworkPolicy(fullName, {
            metadata: { name: fullName, namespace, labels },
            spec: {
                podSelector: { matchLabels: selector },
                policyTypes: ["Ingress"],
                ingress: [{ from: [namespacePeer(args.scraperNamespace)], ports: [{ protocol: "TCP", port: exporterPort }] }],
            },
        }, child);

        this.registerOutputs({ serviceName: this.serviceName });
    }
}
