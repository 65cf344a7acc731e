/**
 * Synthetic Kubernetes resources for the policy tests: a small stack that
 * meets every policy, built the way the program builds its objects, and
 * helpers to break one thing at a time. Not part of the pack (index.ts
 * never imports it).
 */
import { allPolicies } from "../allPolicies";
import { PackPolicy } from "../lib/policyTypes";
import { evaluateWithConfig, PolicyResource, PolicyViolation, resolvePolicyConfig, resourceUrn } from "../offline";

export const namespace = "chat";
export const stack = "unit";

const typeOfKind: Record<string, string> = {
    Deployment: "kubernetes:apps/v1:Deployment",
    StatefulSet: "kubernetes:apps/v1:StatefulSet",
    Job: "kubernetes:batch/v1:Job",
    CronJob: "kubernetes:batch/v1:CronJob",
    ConfigMap: "kubernetes:core/v1:ConfigMap",
    PersistentVolumeClaim: "kubernetes:core/v1:PersistentVolumeClaim",
    HorizontalPodAutoscaler: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    PodDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
    NetworkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

/** Wraps a Kubernetes object as the resource Pulumi would hand to the pack. */
export function resource(object: Record<string, any>): PolicyResource {
    const type = typeOfKind[object.kind];
    if (!type) {
        throw new Error(`fixtures: no Pulumi type for kind ${object.kind}`);
    }
    return { type, name: object.metadata.name, urn: resourceUrn(stack, type, object.metadata.name), props: object };
}

export const chatSelector = { "app.kubernetes.io/name": "rocketchat", "app.kubernetes.io/instance": "rocketchat", "app.kubernetes.io/component": "chat" };
export const mongoSelector = { "app.kubernetes.io/name": "mongodb", "app.kubernetes.io/instance": "rocketchat", "app.kubernetes.io/component": "database" };

const restrictedContainer = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};
const restrictedPod = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
const sized = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } };
const probe = (path: string) => ({ httpGet: { path, port: 3000 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
const mongoProbe = { exec: { command: ["mongosh", "--eval", "db.adminCommand('ping')"] }, periodSeconds: 10, timeoutSeconds: 10 };

function requiredSpread(selector: Record<string, string>) {
    return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" }] } };
}

export function rocketChatDeployment(replicas = 3): Record<string, any> {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "rocketchat", namespace, labels: chatSelector },
        spec: {
            replicas,
            selector: { matchLabels: chatSelector },
            template: {
                metadata: { labels: { ...chatSelector, "app.kubernetes.io/part-of": "rocketchat-ha" } },
                spec: {
                    affinity: requiredSpread(chatSelector),
                    securityContext: restrictedPod,
                    containers: [{
                        name: "rocketchat",
                        image: "registry.rocket.chat/rocketchat/rocket.chat:8.5.1",
                        env: [
                            { name: "ROOT_URL", value: "https://chat.example.org" },
                            { name: "MONGO_URL", valueFrom: { secretKeyRef: { name: "mongo-connection", key: "mongo-url" } } },
                            { name: "ADMIN_PASS", valueFrom: { secretKeyRef: { name: "admin", key: "password" } } },
                            { name: "Accounts_OAuth_Custom_Keycloak_token_path", value: "/realms/staff/protocol/openid-connect/token" },
                            { name: "Accounts_OAuth_Custom_Keycloak_token_sent_via", value: "header" },
                            { name: "Accounts_OAuth_Custom_Keycloak_secret", valueFrom: { secretKeyRef: { name: "keycloak", key: "client-secret" } } },
                            { name: "KEYCLOAK_URL", value: "https://sso.example.org" },
                            { name: "OVERWRITE_SETTING_FileUpload_Storage_Type", value: "FileSystem" },
                        ],
                        resources: sized,
                        securityContext: restrictedContainer,
                        startupProbe: probe("/health"),
                        livenessProbe: probe("/livez"),
                        readinessProbe: probe("/readyz"),
                        volumeMounts: [{ name: "uploads", mountPath: "/app/uploads" }],
                    }],
                    volumes: [{ name: "uploads", persistentVolumeClaim: { claimName: "rocketchat-uploads" } }],
                },
            },
        },
    };
}

export function uploadsClaim(accessModes = ["ReadWriteMany"]): Record<string, any> {
    return {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "rocketchat-uploads", namespace },
        spec: { accessModes, resources: { requests: { storage: "10Gi" } } },
    };
}

export function autoscaler(maxReplicas = 3): Record<string, any> {
    return {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "rocketchat", namespace },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "rocketchat" }, minReplicas: 3, maxReplicas },
    };
}

export function mongoStatefulSet(replicas = 3): Record<string, any> {
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "rocketchat-mongodb", namespace, labels: mongoSelector },
        spec: {
            replicas,
            serviceName: "rocketchat-mongodb-headless",
            selector: { matchLabels: mongoSelector },
            persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
            template: {
                metadata: { labels: { ...mongoSelector, "rocketchat-ha.io/mongodb-client": "rocketchat" } },
                spec: {
                    affinity: requiredSpread(mongoSelector),
                    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: mongoSelector }, minDomains: 3 }],
                    securityContext: { ...restrictedPod, runAsUser: 999, fsGroup: 999 },
                    initContainers: [{
                        name: "install-keyfile",
                        image: "mongo:8.0.29",
                        command: ["sh", "-c", "cp /keyfile-secret/keyfile /keyfile/keyfile && chmod 0400 /keyfile/keyfile"],
                        resources: sized,
                        securityContext: restrictedContainer,
                    }],
                    containers: [{
                        name: "mongod",
                        image: "mongo:8.0.29",
                        args: ["mongod", "--replSet", "rs0", "--keyFile", "/keyfile/keyfile", "--bind_ip_all"],
                        env: [{ name: "MONGO_INITDB_ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: "users", key: "root-password" } } }],
                        resources: sized,
                        securityContext: restrictedContainer,
                        startupProbe: mongoProbe,
                        livenessProbe: mongoProbe,
                        readinessProbe: mongoProbe,
                    }],
                },
            },
        },
    };
}

export function disruptionBudget(name: string, selector: Record<string, string>, spec: Record<string, any> = { maxUnavailable: 1 }): Record<string, any> {
    return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace }, spec: { ...spec, selector: { matchLabels: selector } } };
}

export function mongoNetworkPolicy(): Record<string, any> {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "rocketchat-mongodb", namespace },
        spec: {
            podSelector: { matchLabels: mongoSelector },
            policyTypes: ["Ingress"],
            ingress: [{
                from: [{ podSelector: { matchLabels: mongoSelector } }, { podSelector: { matchLabels: { "rocketchat-ha.io/mongodb-client": "rocketchat" } } }],
                ports: [{ protocol: "TCP", port: 27017 }],
            }],
        },
    };
}

export function backupCronJob(): Record<string, any> {
    const labels = { "app.kubernetes.io/name": "mongodb-backup", "app.kubernetes.io/component": "backup" };
    return {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "rocketchat-backup", namespace, labels },
        spec: {
            schedule: "15 2 * * *",
            jobTemplate: {
                spec: {
                    template: {
                        metadata: { labels },
                        spec: {
                            restartPolicy: "Never",
                            securityContext: restrictedPod,
                            containers: [{
                                name: "backup",
                                image: "mongo:8.0.29",
                                command: ["bash", "/scripts/backup.sh"],
                                env: [{ name: "MONGODB_PASSWORD", valueFrom: { secretKeyRef: { name: "users", key: "backup-password" } } }],
                                resources: sized,
                                securityContext: restrictedContainer,
                            }],
                        },
                    },
                },
            },
        },
    };
}

/** A script that reads a password from the environment: mentions, never assigns, a secret. */
export function backupScripts(): Record<string, any> {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "rocketchat-backup-scripts", namespace },
        data: {
            "backup.sh": [
                "#!/bin/bash",
                "# MONGODB_PASSWORD: set from the Secret through secretKeyRef",
                "set -euo pipefail",
                ": \"${MONGODB_PASSWORD:?MONGODB_PASSWORD must be set}\"",
                "MONGODB_PASSWORD=\"\" mongosh --nodb --quiet",
                "printf \"password: '%s'\\n\" \"$MONGODB_PASSWORD\" > \"$tmp/config.yaml\"",
                "mongodump --config \"$tmp/config.yaml\" --archive=\"$target.tmp\" --gzip --oplog",
            ].join("\n"),
            "manifest.js": "const auth = `${encodeURIComponent(env.MONGODB_USERNAME)}:${encodeURIComponent(env.MONGODB_PASSWORD || \"\")}@`;\nconst password = process.env.MONGODB_PASSWORD;",
        },
    };
}

/** The whole compliant synthetic stack. */
export function compliantObjects(): Record<string, any>[] {
    return [
        rocketChatDeployment(),
        uploadsClaim(),
        autoscaler(),
        disruptionBudget("rocketchat", chatSelector),
        mongoStatefulSet(),
        disruptionBudget("rocketchat-mongodb", mongoSelector),
        mongoNetworkPolicy(),
        backupCronJob(),
        backupScripts(),
    ];
}

export function resources(objects: Record<string, any>[]): PolicyResource[] {
    return objects.map(resource);
}

/** Runs one policy at mandatory level with optional config properties. */
export async function runPolicy(policy: PackPolicy, objects: Record<string, any>[], properties: Record<string, unknown> = {}): Promise<PolicyViolation[]> {
    const config = resolvePolicyConfig({ all: "mandatory", [policy.name]: properties as any }, [policy]);
    return evaluateWithConfig(resources(objects), config, [policy]);
}

/** The messages one policy reports. */
export async function messagesOf(policy: PackPolicy, objects: Record<string, any>[], properties: Record<string, unknown> = {}): Promise<string[]> {
    return (await runPolicy(policy, objects, properties)).map((violation) => violation.message);
}

/** Every policy of the pack, for tests that sweep them. */
export { allPolicies };
