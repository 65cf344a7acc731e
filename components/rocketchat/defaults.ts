/**
 * Defaults of the Rocket.Chat builder's optional args, keyed by the setting
 * each mirrors: the same values as Pulumi.yaml's `config:` block
 * (test/rocketchat.test.ts compares every key with projectDefaults()).
 */
import type { ExtraEnvEntry } from "./extraEnvironment";

export const rocketchatDefaults = {
    platform: "kubernetes" as "kubernetes" | "openshift",
    rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:8.5.1",
    rocketchatReplicas: 3,
    autoscalingMaxReplicas: 3,
    autoscalingCpuPercent: 80,
    podAntiAffinity: "required" as "required" | "preferred",
    topologyZones: 0,
    schedulableNodes: 3,
    fixedUids: true,
    rocketchatExtraEnv: [] as readonly ExtraEnvEntry[],
    uploadsStorage: "FileSystem" as "FileSystem" | "GridFS",
    uploadsAccessMode: "ReadWriteMany" as "ReadWriteMany" | "ReadWriteOnce",
    uploadsStorageClass: "",
    uploadsStorageSize: "20Gi",
    uploadsMaxFileSizeBytes: 104857600,
    uploadsMediaTypeWhitelist: [] as readonly string[],
    retentionEnabled: false,
    retentionMaxAgeChannelsDays: 365,
    retentionMaxAgeGroupsDays: 365,
    retentionMaxAgeDirectDays: 365,
    retentionFilesOnly: false,
    licenseSecretName: "",
    smtpSecretName: "",
    monitoringRocketchatPort: 9458,
    ingressClassName: "",
    ingressAnnotations: [] as readonly string[],
    ingressAwaitLoadBalancer: true,
    tlsSecretName: "rocketchat-tls",
    ingressControllerNamespace: "ingress-nginx",
    /** rocketchatCpuRequest, rocketchatCpuLimit, rocketchatMemoryRequest, rocketchatMemoryLimit. */
    resources: { cpuRequest: "500m", cpuLimit: "2", memoryRequest: "1Gi", memoryLimit: "2Gi" },
};
