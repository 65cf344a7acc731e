/**
 * Rocket.Chat with FileSystem storage writes uploads to /app/uploads on
 * every replica. A ReadWriteOnce claim attaches to one node only: the second
 * replica on another node hangs in ContainerCreating with a Multi-Attach
 * error (or, on one node, each pod sees its own files). The claim is found
 * the way the kubelet finds it: Deployment volume -> claimName -> the
 * PersistentVolumeClaim in the same namespace. The same holds for any claim
 * mounted read-write by a Deployment that runs several pods.
 */
import { PersistentVolumeClaim } from "@pulumi/kubernetes/core/v1";
import { isRocketChatDeployment } from "../lib/haWorkloads";
import { containersOf, PodSpec, PropsOf } from "../lib/kubernetes";
import { violation } from "../lib/message";
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "../lib/policyTypes";
import { AutoscalerProps, autoscalersIn, autoscalersOf, findNamed, mostPods, objectsOfType, StackObject } from "../lib/stackObjects";
import { StackWorkload, workloadsOf } from "../lib/workloads";

const defaultUploadsPath = "/app/uploads";
const storageEnvNames = ["OVERWRITE_SETTING_FileUpload_Storage_Type", "FileUpload_Storage_Type"];
const pathEnvNames = ["OVERWRITE_SETTING_FileUpload_FileSystemPath", "FileUpload_FileSystemPath"];

const rwxFix = "give the uploads claim accessModes [ReadWriteMany] on a StorageClass that offers it (NFS, CephFS, Azure Files: rocketchat-ha:uploadsAccessMode=ReadWriteMany, rocketchat-ha:uploadsStorageClass), or set rocketchat-ha:uploadsStorage=GridFS, or run a single replica.";

function envValue(podSpec: PodSpec, names: string[]): string | undefined {
    const env = containersOf(podSpec).flatMap(({ container }) => container.env ?? []);
    return names.map((name) => env.find((entry) => entry.name === name)?.value).find((value) => typeof value === "string");
}

interface ClaimMount {
    readonly volume: string;
    readonly claimName: string;
    readonly mountPaths: string[];
    readonly readOnly: boolean;
}

/** The claims a pod mounts, with where and whether only for reading. */
function claimMounts(podSpec: PodSpec): ClaimMount[] {
    const mounts = containersOf(podSpec).flatMap(({ container }) => container.volumeMounts ?? []);
    return (podSpec.volumes ?? []).flatMap((volume) => {
        const claim = volume.persistentVolumeClaim;
        if (!claim?.claimName) {
            return [];
        }
        const used = mounts.filter((mount) => mount.name === volume.name);
        return [{
            volume: volume.name,
            claimName: claim.claimName,
            mountPaths: used.map((mount) => mount.mountPath),
            readOnly: claim.readOnly === true || used.every((mount) => mount.readOnly === true),
        }];
    }).filter((claim) => claim.mountPaths.length > 0);
}

type ClaimProps = PropsOf<typeof PersistentVolumeClaim>;

function checkDeployment(deployment: StackWorkload, claimsOfStack: StackObject<ClaimProps>[], autoscalers: StackObject<AutoscalerProps>[], report: ReportViolation): void {
    const pods = mostPods(deployment, autoscalersOf(autoscalers, deployment));
    if (pods <= 1) {
        return;
    }
    const { title, namespace, template } = deployment;
    const claims = claimMounts(template.spec);
    for (const claim of claims) {
        const pvc = findNamed(claimsOfStack, claim.claimName, namespace);
        if (!pvc) {
            report(violation(
                `${title} runs up to ${pods} pods sharing claim ${claim.claimName}, which this stack does not declare, so its access mode cannot be checked.`,
                `declare the PersistentVolumeClaim in the stack with accessModes [ReadWriteMany]; ${rwxFix}`,
            ), deployment.urn);
            continue;
        }
        const modes = pvc.props.spec?.accessModes ?? [];
        const shareable = modes.includes("ReadWriteMany") || (claim.readOnly && modes.includes("ReadOnlyMany"));
        if (!shareable) {
            report(violation(
                `${title} runs up to ${pods} pods that mount claim ${claim.claimName} at ${claim.mountPaths.join(", ")}, but its accessModes are [${modes.join(", ")}]; pods on a second node fail with Multi-Attach errors.`,
                rwxFix,
            ), pvc.urn);
        }
    }
    const storage = envValue(template.spec, storageEnvNames);
    const uploadsPath = envValue(template.spec, pathEnvNames) ?? defaultUploadsPath;
    if (isRocketChatDeployment(deployment) && storage === "FileSystem"
        && !claims.some((claim) => claim.mountPaths.includes(uploadsPath))) {
        report(violation(
            `${title} stores uploads on the FileSystem at ${uploadsPath} with up to ${pods} pods, but no shared claim is mounted there: each pod keeps its own files and loses them on restart.`,
            `mount a ReadWriteMany PersistentVolumeClaim at ${uploadsPath}; ${rwxFix}`,
        ), deployment.urn);
    }
}

export const uploadsReadWriteMany: StackValidationPolicy = {
    name: "uploads-read-write-many",
    description: "A Rocket.Chat Deployment that can run several pods with FileSystem uploads mounts a ReadWriteMany claim at the uploads path; any claim mounted read-write by a multi-pod Deployment is ReadWriteMany.",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const claims = objectsOfType(args.resources, PersistentVolumeClaim);
        const autoscalers = autoscalersIn(args.resources);
        for (const deployment of workloadsOf(args.resources).filter((workload) => workload.kind === "Deployment")) {
            checkDeployment(deployment, claims, autoscalers, report);
        }
    },
};
