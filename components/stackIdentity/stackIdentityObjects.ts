/**
 * Which stack a namespace's data belongs to, as plain objects.
 *
 * A re-created stack opens its kept data because its generated credentials
 * outlive `pulumi destroy` (protected, components/credentials.ts). Another
 * stack's credentials cannot open that data, and with server-side apply its
 * objects would silently take over the other stack's same-named objects
 * (pulumi-kubernetes always upserts on create). So the stack leaves a marker
 * ConfigMap naming itself (`<org>/<project>/<stack>`), kept by destroy like the
 * data, and a check Job, applied right after the Namespace and before anything
 * else in it, refuses a namespace whose marker names another stack.
 *
 * The Job reads the marker as an optional ConfigMap volume: no API access, no
 * service-account token, no RBAC. A namespace without a marker passes: a new
 * namespace, or data from before the marker existed (adopted by this stack).
 */
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { readFileSync } from "fs";
import * as path from "path";
import type { Built } from "../builtObject";
import { standardLabels } from "../labels";
import { nameDigest } from "../nameDigest";
import { placementFor, WorkloadPlacement } from "../placement";
import { Settings } from "../settings";
import { resources, restrictedContainerSecurity, restrictedJob } from "../podShapes";
import { imageParts } from "../validators";

export interface StackIdentityArgs {
    readonly namespace: string;
    /** The stack as `<organization>/<project>/<stack>`. */
    readonly stack: string;
    /** An image with a POSIX shell; the MongoDB image the stack already pulls. */
    readonly image: string;
    /** Run as this UID; undefined lets the platform assign one. */
    readonly uid?: number;
    /** Node selector, tolerations, priority class, pull secrets. Defaults to none. */
    readonly placement?: WorkloadPlacement;
}

export interface StackIdentityObjects {
    /** The marker; destroy keeps it unless deleteDataOnDestroy. */
    readonly marker: Built<IConfigMap, never>;
    /** Everything in the namespace, the marker included, waits for it. */
    readonly check: ReturnType<typeof restrictedJob<unknown, unknown>>;
}

/** Where the Job mounts the marker; the script reads `<dir>/stack`. */
const markerDir = "/identity";

export function stackIdentityMarkerName(name: string): string {
    return `${name}-stack-identity`;
}

/** The check script (POSIX sh), run inline: a ConfigMap for it would be applied before the check. */
export function identityCheckScript(): string {
    return readFileSync(path.join(__dirname, "checkIdentity.sh"), "utf8");
}

export function stackIdentityObjects(name: string, args: StackIdentityArgs): StackIdentityObjects {
    const markerName = stackIdentityMarkerName(name);
    const identity = { instance: name, name: "stack-identity", component: "stack-identity" };
    const labels = standardLabels(identity);
    const script = identityCheckScript();
    const marker: Built<IConfigMap, never> = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: markerName, namespace: args.namespace, labels },
        data: { stack: args.stack },
    };
    // One Job per identity (and script and image): it runs once, and another
    // stack's check never takes over this stack's Job.
    const digest = nameDigest({ stack: args.stack, namespace: args.namespace, image: args.image, script });
    const check = restrictedJob({
        name: `${markerName}-${digest}`,
        namespace: args.namespace,
        labels: standardLabels(identity, imageParts(args.image).tag),
        placement: args.placement,
        uid: args.uid,
        // The answer does not change on a retry.
        backoffLimit: 0,
        activeDeadlineSeconds: 300,
        containers: [{
            name: "check",
            image: args.image,
            command: ["sh", "-c", script],
            env: [
                { name: "NAMESPACE", value: args.namespace },
                { name: "STACK", value: args.stack },
                { name: "MARKER_NAME", value: markerName },
                { name: "MARKER_DIR", value: markerDir },
            ],
            resources: resources({ cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "100m", memoryLimit: "32Mi" }),
            securityContext: restrictedContainerSecurity(),
            volumeMounts: [{ name: "identity", mountPath: markerDir, readOnly: true }],
        }],
        volumes: [{ name: "identity", configMap: { name: markerName, optional: true } }],
    });
    return { marker, check };
}

/**
 * The check's user: it only reads a ConfigMap and writes its termination
 * message, so it needs none of the mongo image's user 999 (which owns the data
 * volumes); a high, unprivileged UID as the linters ask (kube-score
 * container-security-context-user-group-id, checkov CKV_K8S_40: >= 10000).
 * 65534 is "nobody" in the image's Ubuntu base.
 */
export const identityCheckUid = 65534;

/** The identity check's args from a stack's settings: the MongoDB image and placement (it guards their data). */
export function stackIdentityArgsFromSettings(s: Settings, stack: string): StackIdentityArgs {
    return {
        namespace: s.namespace,
        stack,
        image: s.mongodbImage,
        uid: s.fixedUids ? identityCheckUid : undefined,
        placement: placementFor(s, "mongodb"),
    };
}
