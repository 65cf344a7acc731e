/**
 * How users reach Rocket.Chat: a networking.k8s.io/v1 Ingress on Kubernetes
 * or an OpenShift Route, both TLS-terminated with timeouts long enough for
 * the websocket connections Rocket.Chat keeps open. Pure: returns the object.
 */
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { recordFromPairs } from "../keyValuePairs";

/** route.openshift.io/v1 Route, the fields we set (openshift/api route/v1/types.go). */
export interface IRoute {
    readonly apiVersion: "route.openshift.io/v1";
    readonly kind: "Route";
    readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string>; readonly annotations: Record<string, string> };
    readonly spec: {
        readonly host: string;
        readonly to: { readonly kind: "Service"; readonly name: string; readonly weight: number };
        readonly port: { readonly targetPort: string };
        readonly tls: { readonly termination: "edge"; readonly insecureEdgeTerminationPolicy: "Redirect" };
        readonly wildcardPolicy: "None";
    };
}

export interface ExposureArgs {
    readonly namespace: string;
    readonly platform: "kubernetes" | "openshift";
    readonly hostname: string;
    readonly serviceName: string;
    readonly servicePort: string;
    readonly labels: Record<string, string>;
    /** IngressClass; empty or undefined uses the cluster default. Kubernetes only. */
    readonly ingressClassName?: string;
    /** Extra annotations as key=value. Kubernetes only. */
    readonly ingressAnnotations: readonly string[];
    /** `pulumi up` waits for the load-balancer status; false skips that wait. Kubernetes only (nothing waits for a Route). Defaults to true. */
    readonly awaitLoadBalancer?: boolean;
    /** TLS Secret of the Ingress (empty or undefined: the controller's default certificate); nothing on OpenShift (router certificate). */
    readonly tlsSecretName?: string;
    /** Largest upload, for the proxy's request body limit. -1 for none. */
    readonly maxUploadBytes: number;
}

/**
 * pulumi-kubernetes v4.25 waits after creating or updating an Ingress until
 * `.status.loadBalancer.ingress` has an entry and every backend Service has
 * endpoints (pkg/await/ingress.go, 10 minutes). This annotation, exactly
 * "true", replaces that wait with an immediate success on create, update and
 * refresh (pkg/metadata/annotations.go AnnotationSkipAwait,
 * pkg/metadata/overrides.go ReadyCondition, pkg/await/await.go Creation/Update/Read);
 * a delete still waits until the Ingress is gone.
 */
export const skipAwaitAnnotation = { "pulumi.com/skipAwait": "true" } as const;

/** Websocket sessions last hours; proxies cut idle ones after a minute by default. */
const websocketTimeoutSeconds = 3600;

export function exposureObject(name: string, args: ExposureArgs): IIngress | IRoute {
    const metadata = { name, namespace: args.namespace, labels: args.labels };
    if (args.platform === "openshift") {
        return {
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
        };
    }
    const bodyLimit = args.maxUploadBytes < 0 ? "0" : `${Math.ceil(args.maxUploadBytes / 2 ** 20) + 1}m`;
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: {
            ...metadata,
            annotations: {
                // The extras first: the settings refuse the program's keys
                // (programOwned.ts), and the program's values win even so.
                ...recordFromPairs(args.ingressAnnotations),
                // ingress-nginx defaults; other controllers ignore these keys.
                "nginx.ingress.kubernetes.io/proxy-read-timeout": String(websocketTimeoutSeconds),
                "nginx.ingress.kubernetes.io/proxy-send-timeout": String(websocketTimeoutSeconds),
                "nginx.ingress.kubernetes.io/proxy-body-size": bodyLimit,
                "nginx.ingress.kubernetes.io/ssl-redirect": "true",
                ...(args.awaitLoadBalancer === false ? skipAwaitAnnotation : {}),
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
    };
}
