/**
 * The stack settings as the Rocket.Chat builder's args, and the warnings
 * the settings deserve. Pure: platform.ts passes what
 * other components created (Secret names, the Keycloak client id) as opaque V.
 */
import { placementFor } from "../placement";
import { mostRocketchatPods, Settings } from "../settings";
import { oauthSecretKey } from "../sso/oauthSecret";
import { RocketChatObjectsArgs } from "./rocketchatObjects";
import { resourceSettingsOf } from "../podShapes";

/** What other components provide, by value or as opaque V. */
export interface RocketChatPeers<V> {
    /** The replica set's connection Secret (key mongo-url). */
    readonly connectionSecretName: string | V;
    /** The break-glass admin's Secret. */
    readonly adminSecretName: string | V;
    /** The replica set's client labels (its NetworkPolicy admits pods with them). */
    readonly mongodbClientLabels: Readonly<Record<string, string>>;
    /** The Keycloak client id and the Secret with its secret; required when ssoEnabled. */
    readonly sso?: { readonly clientId: string | V; readonly clientSecretName: string | V };
}

export function rocketchatArgsFromSettings<V>(s: Settings, peers: RocketChatPeers<V>): RocketChatObjectsArgs<V> {
    if (s.ssoEnabled && !peers.sso) {
        throw new Error("rocketchatArgsFromSettings: ssoEnabled is true but no Keycloak client was given (peers.sso)");
    }
    return {
        namespace: s.namespace,
        hostname: s.hostname,
        platform: s.platform,
        image: s.rocketchatImage,
        replicas: s.rocketchatReplicas,
        autoscaling: s.autoscalingEnabled ? { maxReplicas: s.autoscalingMaxReplicas, cpuPercent: s.autoscalingCpuPercent } : false,
        // While a restore runs nothing may write to the database.
        scaledToZero: s.restoreArchive !== "",
        resources: resourceSettingsOf(s, "rocketchat"),
        antiAffinity: s.podAntiAffinity,
        zones: s.topologyZones,
        schedulableNodes: s.schedulableNodes,
        fixedUid: s.fixedUids,
        placement: placementFor(s, "rocketchat"),
        extraEnv: s.rocketchatExtraEnv,
        connectionSecretName: peers.connectionSecretName,
        adminSecretName: peers.adminSecretName,
        sso: s.ssoEnabled && peers.sso
            ? {
                serverUrl: `${s.keycloakUrl}${s.keycloakBasePath}`,
                realm: s.keycloakRealm,
                clientId: peers.sso.clientId,
                clientSecretRef: { name: peers.sso.clientSecretName, key: oauthSecretKey },
                buttonLabel: s.keycloakButtonLabel,
            }
            : undefined,
        uploads: {
            storage: s.uploadsStorage,
            accessMode: s.uploadsAccessMode,
            storageClassName: s.uploadsStorageClass,
            size: s.uploadsStorageSize,
            maxFileSizeBytes: s.uploadsMaxFileSizeBytes,
            mediaTypeWhitelist: s.uploadsMediaTypeWhitelist,
        },
        retention: {
            enabled: s.retentionEnabled,
            channelsDays: s.retentionMaxAgeChannelsDays,
            groupsDays: s.retentionMaxAgeGroupsDays,
            directDays: s.retentionMaxAgeDirectDays,
            filesOnly: s.retentionFilesOnly,
        },
        licenseSecretName: s.licenseSecretName,
        smtpSecretName: s.smtpSecretName,
        metrics: s.monitoringEnabled ? { port: s.monitoringRocketchatPort, scraperNamespace: s.monitoringNamespace } : undefined,
        exposure: {
            ingressClassName: s.ingressClassName,
            ingressAnnotations: s.ingressAnnotations,
            awaitLoadBalancer: s.ingressAwaitLoadBalancer,
            tlsSecretName: s.tlsSecretName,
            ingressControllerNamespace: s.ingressControllerNamespace,
        },
        mongodbClientLabels: peers.mongodbClientLabels,
    };
}

/**
 * What the settings deserve a warning for (the component logs each): several
 * pods without the scalability licence; ingressAwaitLoadBalancer set on
 * OpenShift, where it changes nothing.
 */
export function rocketchatWarnings(s: Settings): string[] {
    const warnings: string[] = [];
    const mostPods = mostRocketchatPods(s);
    if (mostPods > 1 && !s.licenseSecretName) {
        warnings.push(
            `Rocket.Chat may run ${mostPods} pods but no licenseSecretName is set: several instances need the ` +
            "Enterprise 'scalability' licence to broadcast events to each other; without it Rocket.Chat logs a warning " +
            "and users on different pods miss real-time updates.",
        );
    }
    // Ignored rather than refused: false asks for what OpenShift already does.
    // pulumi-kubernetes has no awaiter for route.openshift.io Routes
    // (pkg/await/awaiters.go), so `pulumi up` never waits for the router there.
    if (s.platform === "openshift" && !s.ingressAwaitLoadBalancer) {
        warnings.push(
            "ingressAwaitLoadBalancer is false, which has no effect on OpenShift: pulumi up never waits for the Route " +
            "(the Kubernetes provider has no await for Routes). Check that the router admitted it with " +
            `\`oc -n ${s.namespace} get routes -o jsonpath='{..conditions}'\` (type Admitted).`,
        );
    }
    return warnings;
}
