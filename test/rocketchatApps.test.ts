import { strict as assert } from "assert";
import { writableImagePaths } from "../components/rocketchat/appsRuntime";
import { rocketchatBuild } from "./support/rocketchatBuild";

const denoRuntime = "/app/bundle/programs/server/npm/node_modules/@rocket.chat/apps/deno-runtime";

function podOf(stack: string, overrides: Record<string, unknown> = {}): any {
    return (rocketchatBuild(stack, overrides).objects.deployment as any).spec.template.spec;
}

/** Directories the Rocket.Chat container can write: its mounts that are not read-only. */
function writableMounts(pod: any): string[] {
    return pod.containers[0].volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath).sort();
}

describe("Rocket.Chat Apps on a read-only root", () => {
    it("8.5.x: the Apps-Engine's deno-runtime directory is writable, everything else of the image stays read-only", () => {
        for (const tag of ["8.5.0", "8.5.1", "8.6.0"]) {
            assert.deepEqual(writableImagePaths(`registry.rocket.chat/rocketchat/rocket.chat:${tag}`).map((p) => p.path), [denoRuntime], tag);
        }
        for (const tag of ["7.10.0", "8.4.3"]) {
            assert.deepEqual(writableImagePaths(`registry.rocket.chat/rocketchat/rocket.chat:${tag}`), [], `${tag} writes only under /tmp`);
        }
        assert.match(writableImagePaths("registry.rocket.chat/rocketchat/rocket.chat:8.5.1")[0].why, /#41006.*#41015.*#41338/);
    });

    for (const stack of ["prod", "test"] as const) {
        it(`${stack}${stack === "test" ? " (OpenShift, arbitrary UID)" : ""}: the path is a world-writable emptyDir seeded from the image, the root stays read-only`, () => {
            const pod = podOf(stack);
            const c = pod.containers[0];
            assert.equal(c.securityContext.readOnlyRootFilesystem, true);
            assert.deepEqual(writableMounts(pod), ["/app/uploads", "/tmp", denoRuntime].sort(), "these paths and nothing more");
            const mount = c.volumeMounts.find((m: any) => m.mountPath === denoRuntime);
            const volume = pod.volumes.find((v: any) => v.name === mount.name);
            // An emptyDir (mode 0777), not a Secret/ConfigMap with a fixed mode: any UID writes it.
            assert.ok(volume.emptyDir && volume.emptyDir.sizeLimit, "a bounded emptyDir");
            const seed = pod.initContainers.find((i: any) => i.volumeMounts.some((m: any) => m.name === mount.name));
            assert.equal(seed.image, c.image, "seeded from the same image, so the runtime sources match the server");
            const target = seed.volumeMounts.find((m: any) => m.name === mount.name).mountPath;
            assert.deepEqual(seed.command, ["cp", "-R", `${denoRuntime}/.`, `${target}/`]);
            assert.equal(seed.securityContext.readOnlyRootFilesystem, true);
            assert.equal(pod.securityContext.runAsUser, stack === "test" ? undefined : 65533);
            // The pod's ephemeral-storage limit covers the copy.
            const limitMi = parseInt(c.resources.limits["ephemeral-storage"], 10);
            assert.ok(limitMi >= 256 + 1024 + 64, `ephemeral limit ${limitMi}Mi`);
        });
    }

    it("Rocket.Chat 7.10 (MongoDB 7.0) gets no extra volume and no init container", () => {
        const pod = podOf("prod", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:7.10.0", mongodbImage: "mongo:7.0.26" });
        assert.deepEqual(writableMounts(pod), ["/app/uploads", "/tmp"]);
        assert.equal(pod.initContainers, undefined);
    });
});
