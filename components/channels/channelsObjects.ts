/**
 * The channel reconciler as plain Kubernetes objects: a ConfigMap with the
 * scripts (scripts/*.js) and the declared list, and a one-off Job that, once
 * Rocket.Chat answers, reconciles the list through its REST API as the
 * break-glass administrator. The Job's name carries a digest of the list, the
 * prune opt-in, the image, the scripts and the URL, so a changed list runs it
 * again and an unchanged one never does.
 *
 * Pure: no Pulumi runtime. The admin Secret's name is the one value the
 * builder cannot know (the program passes the Secret's Output); it enters as V.
 */
import { readFileSync } from "fs";
import * as path from "path";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import { canonicalJson } from "../canonicalJson";
import { nameDigest } from "../nameDigest";
import { previousAdminPasswordKey } from "../credentialObjects";
import type { Opaque } from "../kubernetesObjects";
import { standardLabels } from "../labels";
import { placementFor, WorkloadPlacement } from "../placement";
import { envFromSecret, resources, restrictedContainerSecurity, restrictedJob } from "../podShapes";
import type { ChannelDeclaration, Settings } from "../settings";
import { imageParts } from "../validators";
import { rocketchatApiClientLabels } from "./apiAccess";

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
export const scriptFiles = ["plan.js", "adminLogin.js", "restApi.js", "reconcile.js"] as const;
const scriptsPath = "/scripts";
const channelsFile = "channels.json";
/** How long the reconciler waits for Rocket.Chat: attempts x interval (15 minutes covers a first start with migrations). */
const waitAttempts = 90;
const waitIntervalMs = 10_000;

export interface ChannelsReconcilerObjectArgs<V = never> {
    /** Namespace of the Job and of Rocket.Chat. */
    readonly namespace: string;
    /** The declared channels (validated by components/settings.ts). */
    readonly channels: readonly ChannelDeclaration[];
    /** Delete rooms the reconciler created that are no longer declared (the channelsPrune setting). Defaults to false. */
    readonly prune?: boolean;
    /** In-cluster base URL of Rocket.Chat's Service, e.g. http://rocketchat.ns.svc.cluster.local:3000. */
    readonly rocketchatUrl: string;
    /** Secret with keys `username` and `password` of the break-glass administrator, and `previous-password` in a rotation run. */
    readonly adminSecretName: string | V;
    /**
     * Generation of the administrator's password (adminPasswordGeneration): a
     * raised one runs the Job again, which moves Rocket.Chat to the new
     * password. Defaults to 0, which leaves the Job's name as it was before
     * generations existed.
     */
    readonly adminPasswordGeneration?: number;
    /** Labels Rocket.Chat's NetworkPolicy admits on its HTTP port. */
    readonly apiClientLabels: Record<string, string>;
    /** Run as reconcilerUid (65532); false lets the platform assign one (OpenShift). Defaults to true (the fixedUids setting). */
    readonly fixedUid?: boolean;
    /** Node selector, tolerations, priority class, pull secrets and extra pod metadata (podPlacement, imagePullSecrets). Defaults to none. */
    readonly placement?: WorkloadPlacement;
    /** Image with node 18 or later. Defaults to `nodeImage`. */
    readonly image?: string;
}

export interface ChannelsReconcilerObjects<V = never> {
    /** `<name>-channels`: the scripts and channels.json. */
    readonly configMap: IConfigMap;
    /** `<name>-channels-<digest>`: the reconcile run. */
    readonly job: Opaque<IJob, V>;
}

/** Name of the ConfigMap with the scripts and the declared list. */
export function channelsConfigMapName(name: string): string {
    return `${name}-channels`;
}

/** The scripts as shipped, by file name (read from components/channels/scripts). */
export function reconcilerScripts(): Record<string, string> {
    return Object.fromEntries(scriptFiles.map((file) => [file, readFileSync(path.join(__dirname, "scripts", file), "utf8")]));
}

/** The Job's name: `<name>-channels-` and a digest of what the run does, so only a change runs it again. */
export function channelsJobName(name: string, args: ChannelsReconcilerObjectArgs<unknown>): string {
    const fingerprint = {
        declared: canonicalJson(args.channels, 2),
        prune: args.prune ?? false,
        image: args.image ?? nodeImage,
        scripts: reconcilerScripts(),
        url: args.rocketchatUrl,
        // Only from the first rotation on, so that existing Jobs keep their names.
        ...((args.adminPasswordGeneration ?? 0) > 0 ? { adminPasswordGeneration: args.adminPasswordGeneration } : {}),
    };
    return `${name}-channels-${nameDigest(fingerprint)}`;
}

export function channelsReconcilerObjects<V = never>(name: string, args: ChannelsReconcilerObjectArgs<V>): ChannelsReconcilerObjects<V> {
    const image = args.image ?? nodeImage;
    const labels = standardLabels({ instance: name, name: "rocketchat-channels", component: "channels" }, imageParts(image).tag);
    const scripts = reconcilerScripts();
    const declared = canonicalJson(args.channels, 2);
    const prune = args.prune ?? false;
    const configMapName = channelsConfigMapName(name);

    const configMap: IConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: configMapName, namespace: args.namespace, labels },
        data: { ...scripts, [channelsFile]: declared },
    };

    const jobName = channelsJobName(name, args);
    const job: Opaque<IJob, V> = restrictedJob({
        name: jobName,
        namespace: args.namespace,
        labels,
        podLabels: args.apiClientLabels,
        placement: args.placement,
        uid: (args.fixedUid ?? true) ? reconcilerUid : undefined,
        backoffLimit: 3,
        // The wait for Rocket.Chat plus the calls themselves.
        activeDeadlineSeconds: (waitAttempts * waitIntervalMs) / 1000 + 900,
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
                // Present only in a rotation run; without the key the variable is simply not set.
                envFromSecret("ADMIN_PASSWORD_PREVIOUS", args.adminSecretName, previousAdminPasswordKey, { optional: true }),
            ],
            resources: resources({ cpuRequest: "20m", memoryRequest: "64Mi", cpuLimit: "200m", memoryLimit: "128Mi" }),
            securityContext: restrictedContainerSecurity(),
            volumeMounts: [{ name: "scripts", mountPath: scriptsPath, readOnly: true }],
        }],
        volumes: [{ name: "scripts", configMap: { name: configMapName } }],
    });
    return { configMap, job };
}

/** What the reconciler needs from other components: Rocket.Chat's Service and the admin Secret. */
export interface ChannelsPeers<V = never> {
    /** Name of Rocket.Chat's Service. */
    readonly rocketchatServiceName: string;
    /** Its HTTP port (components/rocketchat/environment.ts httpPort). */
    readonly rocketchatHttpPort: number;
    /** The Credentials component's admin Secret (keys username, password; previous-password in a rotation run). */
    readonly adminSecretName: string | V;
    /** The administrator password's generation this run deploys. Defaults to 0. */
    readonly adminPasswordGeneration?: number;
}

/**
 * The reconciler's args from the stack's settings, or undefined when there is
 * nothing to do (no channels, no prune, and the administrator's password never
 * rotated) or a restore keeps Rocket.Chat at zero replicas.
 */
export function channelsReconcilerArgsFromSettings<V = never>(name: string, s: Settings, peers: ChannelsPeers<V>): ChannelsReconcilerObjectArgs<V> | undefined {
    const adminPasswordGeneration = peers.adminPasswordGeneration ?? 0;
    // A rotated administrator password is moved into Rocket.Chat by this Job, so it runs even without channels.
    if (!((s.channels.length > 0 || s.channelsPrune || adminPasswordGeneration > 0) && s.restoreArchive === "")) {
        return undefined;
    }
    return {
        namespace: s.namespace,
        channels: s.channels,
        prune: s.channelsPrune,
        rocketchatUrl: `http://${peers.rocketchatServiceName}.${s.namespace}.svc.${s.clusterDomain}:${peers.rocketchatHttpPort}`,
        adminSecretName: peers.adminSecretName,
        adminPasswordGeneration,
        apiClientLabels: rocketchatApiClientLabels(name),
        placement: placementFor(s, "channels"),
        fixedUid: s.fixedUids,
    };
}
