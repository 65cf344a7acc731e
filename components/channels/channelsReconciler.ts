/**
 * Channels as configuration: a one-off Job that, once Rocket.Chat answers,
 * reconciles the declared channels through its REST API as the break-glass
 * administrator (see scripts/reconcile.js). The Job's name carries a digest of
 * the list and the scripts, so a changed list runs it again and an unchanged
 * one never does.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import { placementMetadata, placementSpec, WorkloadPlacement } from "../placement";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import { canonicalJson } from "../canonicalJson";
import { standardLabels } from "../labels";
import { envFromSecret, resources, restrictedContainerSecurity, restrictedPodSecurity } from "../podShapes";
import { ChannelDeclaration } from "../settings";
import { imageParts } from "../validators";

/**
 * Official Node.js image, exact tag: Node 22 LTS has a global fetch, which is
 * all the reconciler needs (no npm packages). Alpine keeps the pull small.
 */
export const nodeImage = "node:22.12.0-alpine3.21";
/**
 * The image's default user is root and its `node` user is 1000; the script
 * needs neither a home nor any file of its own, so it runs as an unprivileged
 * high UID that collides with no image user.
 */
export const reconcilerUid = 65532;

/** Script files in components/channels/scripts, shipped in the Job's ConfigMap. */
export const scriptFiles = ["plan.js", "restApi.js", "reconcile.js"] as const;
const scriptsPath = "/scripts";
const channelsFile = "channels.json";
/** How long the reconciler waits for Rocket.Chat: attempts x interval (15 minutes covers a first start with migrations). */
const waitAttempts = 90;
const waitIntervalMs = 10_000;

export interface ChannelsReconcilerArgs {
    /** Namespace of the Job and of Rocket.Chat. */
    readonly namespace: string;
    /** The declared channels (validated by components/settings.ts). */
    readonly channels: readonly ChannelDeclaration[];
    /** Delete rooms the reconciler created that are no longer declared. Defaults to false. */
    readonly prune?: boolean;
    /** In-cluster base URL of Rocket.Chat's Service, e.g. http://rocketchat.ns.svc.cluster.local:3000. */
    readonly rocketchatUrl: string;
    /** Secret with keys `username` and `password` of the break-glass administrator. */
    readonly adminSecretName: pulumi.Input<string>;
    /** Labels Rocket.Chat's NetworkPolicy admits on its HTTP port. */
    readonly apiClientLabels: Record<string, string>;
    /** Run as reconcilerUid (65532); false lets the platform assign one (OpenShift). */
    readonly fixedUid: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** Resources the Job starts after, e.g. the Rocket.Chat component. Defaults to none. */
    readonly after?: pulumi.Resource[];
    /** Image with node 18 or later. Defaults to `nodeImage`. */
    readonly image?: string;
}

export class ChannelsReconciler extends pulumi.ComponentResource {
    /** Name of the reconcile Job (changes with the declared list). */
    public readonly jobName: string;

    constructor(name: string, args: ChannelsReconcilerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.ChannelsReconciler.token, name, {}, withFormerTypes("ChannelsReconciler", opts));
        const image = args.image ?? nodeImage;
        const labels = standardLabels({ instance: name, name: "rocketchat-channels", component: "channels" }, imageParts(image).tag);
        const scripts = Object.fromEntries(scriptFiles.map((file) => [file, readFileSync(path.join(__dirname, "scripts", file), "utf8")]));
        const declared = canonicalJson(args.channels, 2);
        const prune = args.prune ?? false;

        const configMap = new k8s.core.v1.ConfigMap(`${name}-channels`, {
            metadata: { name: `${name}-channels`, namespace: args.namespace, labels },
            data: { ...scripts, [channelsFile]: declared },
        }, childOf(this, opts));

        const digest = createHash("sha256").update(JSON.stringify({ declared, prune, image, scripts, url: args.rocketchatUrl })).digest("hex").slice(0, 8);
        this.jobName = `${name}-channels-${digest}`;

        new k8s.batch.v1.Job(this.jobName, {
            metadata: { name: this.jobName, namespace: args.namespace, labels },
            spec: {
                backoffLimit: 3,
                // The wait for Rocket.Chat plus the calls themselves.
                activeDeadlineSeconds: (waitAttempts * waitIntervalMs) / 1000 + 900,
                template: {
                    metadata: placementMetadata(args.placement, { ...labels, ...args.apiClientLabels }),
                    spec: {
                        ...placementSpec(args.placement),
                        restartPolicy: "Never",
                        automountServiceAccountToken: false,
                        securityContext: restrictedPodSecurity(args.fixedUid ? reconcilerUid : undefined),
                        containers: [{
                            name: "reconcile",
                            image,
                            command: ["node", `${scriptsPath}/reconcile.js`],
                            env: [
                                { name: "ROCKETCHAT_URL", value: args.rocketchatUrl },
                                { name: "CHANNELS_FILE", value: `${scriptsPath}/${channelsFile}` },
                                { name: "CHANNELS_PRUNE", value: String(prune) },
                                { name: "WAIT_ATTEMPTS", value: String(waitAttempts) },
                                { name: "WAIT_INTERVAL_MS", value: String(waitIntervalMs) },
                                envFromSecret("ADMIN_USERNAME", args.adminSecretName, "username"),
                                envFromSecret("ADMIN_PASSWORD", args.adminSecretName, "password"),
                            ],
                            resources: resources({ cpuRequest: "20m", memoryRequest: "64Mi", cpuLimit: "200m", memoryLimit: "128Mi" }),
                            securityContext: restrictedContainerSecurity(),
                            volumeMounts: [{ name: "scripts", mountPath: scriptsPath, readOnly: true }],
                        }],
                        volumes: [{ name: "scripts", configMap: { name: configMap.metadata.name } }],
                    },
                },
            },
        }, {
            ...childOf(this, opts, [configMap, ...(args.after ?? [])]),
            // `pulumi up` waits for the Job; the script itself may wait 15 minutes for Rocket.Chat.
            customTimeouts: { create: "40m" },
        });

        this.registerOutputs({ jobName: this.jobName });
    }
}
