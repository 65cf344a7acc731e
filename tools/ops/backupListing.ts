/**
 * Lists the backup volume from inside the cluster: a short-lived pod (the
 * stack's mongo image, restricted security context, the claim mounted
 * read-only) prints one line per archive and status file, then is removed.
 * The claim is ReadWriteOnce, so while a backup Job holds it on another node
 * this pod waits, bounded by --pod-running-timeout.
 */
import { randomBytes } from "crypto";
import { undoOnInterrupt } from "./activity";
import { Kubectl } from "./kubectl";

/** Prints `file <mtime> <bytes> <path>` and `status <name> <content>` lines (parsed by backupReport.parseListing). */
export const listingScript = [
    "cd /backup || exit 3",
    "for f in mongodb/* uploads/*; do [ -f \"$f\" ] && stat -c 'file %Y %s %n' \"$f\"; done",
    "for f in status/*; do [ -f \"$f\" ] && printf 'status %s %s\\n' \"${f#status/}\" \"$(head -c 400 \"$f\")\"; done",
    "exit 0",
].join("\n");

/**
 * The pod spec overrides: restricted, read-only, no token, the claim at
 * /backup. `runAsUser` where the stack fixes UIDs: the mongo image has no USER,
 * so runAsNonRoot without a UID is refused by the kubelet (issue 17).
 */
export function listingPodOverrides(podName: string, image: string, claimName: string, runAsUser?: number): object {
    return {
        spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, ...(runAsUser !== undefined ? { runAsUser } : {}), seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
                name: podName,
                image,
                command: ["sh", "-c", listingScript],
                stdin: true,
                stdinOnce: true,
                securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                },
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                volumeMounts: [{ name: "backup", mountPath: "/backup", readOnly: true }],
            }],
            volumes: [{ name: "backup", persistentVolumeClaim: { claimName, readOnly: true } }],
        },
    };
}

/** How long the listing pod may wait for the claim (a backup Job may hold it on another node). */
const podRunningSeconds = 180;

/** Runs the listing pod and returns its output. */
export async function listBackupVolume(kubectl: Kubectl, namespace: string, image: string, claimName: string, runAsUser?: number): Promise<string> {
    const podName = `ops-backup-listing-${randomBytes(3).toString("hex")}`;
    // kubectl's --rm does not run when it is interrupted: remove the pod ourselves on Ctrl-C.
    const forget = undoOnInterrupt(() => kubectl.deletePodNow(namespace, podName));
    try {
        return await kubectl.run([
            "run", podName, "-n", namespace, "--image", image, "--restart=Never", "--rm", "-i", "--quiet",
            `--pod-running-timeout=${podRunningSeconds}s`, `--overrides=${JSON.stringify(listingPodOverrides(podName, image, claimName, runAsUser))}`,
        ], undefined, { seconds: podRunningSeconds });
    } finally {
        forget();
    }
}
