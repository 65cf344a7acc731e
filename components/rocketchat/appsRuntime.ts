/**
 * The paths inside the Rocket.Chat image that its Apps-Engine writes, by
 * version, made into volumes so the root file system stays read-only and any
 * UID (OpenShift's restricted SCC assigns one per namespace) can write them.
 *
 * Sources (checked 2026-11-29):
 * - Rocket.Chat #41006 (8.5.x regression, non-root container): "the ephemeral
 *   Deno config is written into node_modules/@rocket.chat/apps/deno-runtime/,
 *   which is root-owned in the image" (EACCES on deno.runtime.jsonc).
 * - Rocket.Chat #41015: the same write fails with EROFS where the package
 *   directory is read-only (snap).
 * - apps-engine DenoRuntimeSubprocessController (8.5.x): the ephemeral config
 *   path is `deno.jsonc` with `.runtime.jsonc`, beside it in the package;
 *   the runtime symlink goes to the host's temp dir (`/tmp/apps-engine-temp`,
 *   Rocket.Chat #40944), which is our /tmp emptyDir already.
 * - PR #41338 (merged 2026-07-16, after 8.5.1) moves the file to the temp dir.
 *   Which release first ships it was not verifiable here, so every image from
 *   8.5.0 on gets the volume; it is a copy of the image's own files, harmless
 *   where Rocket.Chat no longer writes there.
 * - RocketChat/helm-charts rocketchat/values.yaml (fa13b71, lines 240-245):
 *   "From 8.5.0 onward the Apps Engine requires write access to paths owned by
 *   UID 65533": the chart's answer is a writable root for that one UID, which
 *   fails on OpenShift's arbitrary UIDs. A seeded emptyDir works for any UID.
 *
 * Before 8.5.0 the runtime lived in @rocket.chat/apps-engine and wrote only
 * under the temp dir (#40944 describes the move).
 */
import type { IContainer } from "kubernetes-models/v1/Container";
import type { ISecurityContext } from "kubernetes-models/v1/SecurityContext";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import { resources, restrictedContainerSecurity } from "../podShapes";
import { imageParts, majorMinor } from "../validators";

/** Where the image's server bundle keeps its npm packages (WORKDIR /app/bundle). */
const bundleModules = "/app/bundle/programs/server/npm/node_modules";

export interface WritableImagePath {
    /** Volume name. */
    readonly name: string;
    /** Directory in the image that Rocket.Chat writes into. */
    readonly path: string;
    /** Largest size the copy plus Rocket.Chat's writes may reach. */
    readonly sizeLimit: string;
    /** Why it must be writable, with the source. */
    readonly why: string;
}

/** The image directories a Rocket.Chat version writes into (besides /tmp and uploads). */
export function writableImagePaths(image: string): WritableImagePath[] {
    const version = majorMinor(imageParts(image).tag);
    const from85 = version !== undefined && (version.major > 8 || (version.major === 8 && version.minor >= 5));
    return from85
        ? [{
            name: "apps-deno-runtime",
            path: `${bundleModules}/@rocket.chat/apps/deno-runtime`,
            sizeLimit: "64Mi",
            why: "Apps-Engine writes deno.runtime.jsonc beside deno.jsonc on every app start (Rocket.Chat #41006, #41015; fixed by PR #41338)",
        }]
        : [];
}

export interface WritableImageVolumes {
    readonly volumes: IVolume[];
    readonly mounts: IVolumeMount[];
    /** Copies each directory's image content into its volume before Rocket.Chat starts. */
    readonly initContainers: IContainer[];
}

/**
 * An emptyDir per writable image path, seeded with the image's own files by an
 * initContainer of the same image (the runtime reads its sources from there),
 * and mounted over the path. emptyDirs are world-writable, so this works for
 * the fixed UID 65533 and for OpenShift's arbitrary UIDs alike.
 */
export function writableImageVolumes(image: string): WritableImageVolumes {
    const paths = writableImagePaths(image);
    return {
        volumes: paths.map((p) => ({ name: p.name, emptyDir: { sizeLimit: p.sizeLimit } })),
        mounts: paths.map((p) => ({ name: p.name, mountPath: p.path })),
        initContainers: paths.map((p) => {
            const seedVolumes = [{ name: p.name, emptyDir: { sizeLimit: p.sizeLimit } }];
            return {
                name: `seed-${p.name}`,
                image,
                // No shell needed: `cp -R dir/. target/` copies the content, hidden files included.
                command: ["cp", "-R", `${p.path}/.`, "/seed/"],
                // podShapes still speaks Pulumi's input types; its values are plain.
                securityContext: restrictedContainerSecurity() as ISecurityContext,
                resources: resources({ cpuRequest: "10m", memoryRequest: "32Mi", cpuLimit: "200m", memoryLimit: "64Mi" }, seedVolumes) as IResourceRequirements,
                volumeMounts: [{ name: p.name, mountPath: "/seed" }],
            };
        }),
    };
}
