/**
 * How users reach Rocket.Chat: a networking.k8s.io/v1 Ingress on Kubernetes
 * or an OpenShift Route, both TLS-terminated with timeouts long enough for
 * the websocket connections Rocket.Chat keeps open.
 */
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { recordFromPairs } from "../keyValuePairs";

export interface ExposureArgs {
    readonly namespace: string;
    readonly platform: "kubernetes" | "openshift";
    readonly hostname: string;
    readonly serviceName: pulumi.Input<string>;
    readonly servicePort: string;
    readonly labels: Record<string, string>;
    /** IngressClass; undefined uses the cluster default. Kubernetes only. */
    readonly ingressClassName?: string;
    /** Extra annotations as key=value. Kubernetes only. */
    readonly ingressAnnotations: readonly string[];
    /** TLS Secret of the Ingress, or of nothing on OpenShift (router certificate). */
    readonly tlsSecretName?: string;
    /** Largest upload, for the proxy's request body limit. -1 for none. */
    readonly maxUploadBytes: number;
}

/** Websocket sessions last hours; proxies cut idle ones after a minute by default. */
const websocketTimeoutSeconds = 3600;

export function declareExposure(name: string, args: ExposureArgs, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const metadata = { name, namespace: args.namespace, labels: args.labels };
    if (args.platform === "openshift") {
        return new k8s.apiextensions.CustomResource(name, {
            apiVersion: "route.openshift.io/v1",
            kind: "Route",
            metadata: {
                ...metadata,
                annotations: { "haproxy.router.openshift.io/timeout": `${websocketTimeoutSeconds}s` },
            },
            spec: {
                host: args.hostname,
                to: { kind: "Service", name: args.serviceName, weight: 100 },
                port: { targetPort: args.servicePort },
                tls: { termination: "edge", insecureEdgeTerminationPolicy: "Redirect" },
                wildcardPolicy: "None",
            },
        }, opts);
    }
    const bodyLimit = args.maxUploadBytes < 0 ? "0" : `${Math.ceil(args.maxUploadBytes / 2 ** 20) + 1}m`;
    return new k8s.networking.v1.Ingress(name, {
        metadata: {
            ...metadata,
            annotations: {
                // ingress-nginx defaults; other controllers ignore these keys.
                "nginx.ingress.kubernetes.io/proxy-read-timeout": String(websocketTimeoutSeconds),
                "nginx.ingress.kubernetes.io/proxy-send-timeout": String(websocketTimeoutSeconds),
                "nginx.ingress.kubernetes.io/proxy-body-size": bodyLimit,
                "nginx.ingress.kubernetes.io/ssl-redirect": "true",
                ...recordFromPairs(args.ingressAnnotations),
            },
        },
        spec: {
            ...(args.ingressClassName ? { ingressClassName: args.ingressClassName } : {}),
            tls: [{ hosts: [args.hostname], ...(args.tlsSecretName ? { secretName: args.tlsSecretName } : {}) }],
            rules: [{
                host: args.hostname,
                http: {
                    paths: [{
                        path: "/",
                        pathType: "Prefix",
                        backend: { service: { name: args.serviceName, port: { name: args.servicePort } } },
                    }],
                },
            }],
        },
    }, opts);
}
