import { strict as assert } from "assert";
import { findObject, objectsOfKind, runStack, StackRun } from "../tools/mockRuntime";
import { stackRun, stacks } from "./support/stacks";

function deployment(run: StackRun) {
    return findObject(run, "Deployment", "rocketchat");
}

function container(run: StackRun) {
    return deployment(run).spec.template.spec.containers[0];
}

/** Environment as name -> entry. */
function env(run: StackRun): Record<string, any> {
    return Object.fromEntries(container(run).env.map((e: any) => [e.name, e]));
}

const hostnames: Record<string, string> = { dev: "chat-dev.example.org", test: "chat-test.apps.example.org", prod: "chat.example.org" };

describe("Rocket.Chat", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            it("connects through the Secret, registers its pod IP and serves on 3000", async () => {
                const run = await stackRun(stack);
                const e = env(run);
                assert.equal(e.ROOT_URL.value, `https://${hostnames[stack]}`);
                assert.equal(e.PORT.value, "3000");
                assert.deepEqual(e.MONGO_URL.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-connection", key: "mongo-url" });
                assert.deepEqual(e.INSTANCE_IP.valueFrom.fieldRef, { fieldPath: "status.podIP" });
                assert.equal(e.MONGO_OPLOG_URL, undefined, "change streams replace the oplog URL");
                assert.equal(findObject(run, "Service", "rocketchat").spec.ports[0].port, 3000);
            });

            it("creates the break-glass admin from the generated Secret and skips the wizard", async () => {
                const e = env(await stackRun(stack));
                for (const [name, key] of [["ADMIN_USERNAME", "username"], ["ADMIN_PASS", "password"], ["ADMIN_EMAIL", "email"]]) {
                    assert.deepEqual(e[name].valueFrom.secretKeyRef, { name: "rocketchat-admin", key });
                }
                assert.equal(e.OVERWRITE_SETTING_Show_Setup_Wizard.value, "completed");
            });

            it("rolls out one pod at a time at most (see rolloutStrategy.test.ts), with requests, limits and probes for its version", async () => {
                const run = await stackRun(stack);
                const d = deployment(run);
                assert.equal(d.spec.strategy.type, "RollingUpdate");
                assert.equal(d.spec.strategy.rollingUpdate.maxSurge + d.spec.strategy.rollingUpdate.maxUnavailable, 1);
                const c = container(run);
                assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory);
                // 8.5.1 serves /livez and /readyz (7.11+).
                assert.equal(c.livenessProbe.httpGet.path, "/livez");
                assert.equal(c.readinessProbe.httpGet.path, "/readyz");
                assert.equal(c.startupProbe.httpGet.path, "/livez");
                assert.ok(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold >= 300, "migrations may take minutes");
            });

            it("runs restricted with writable paths as volumes; fixed UID only off OpenShift", async () => {
                const run = await stackRun(stack);
                const pod = deployment(run).spec.template.spec;
                const c = container(run);
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                assert.equal(pod.securityContext.runAsUser, stack === "test" ? undefined : 65533);
                assert.equal(c.securityContext.allowPrivilegeEscalation, false);
                assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
                assert.equal(c.securityContext.readOnlyRootFilesystem, true);
                const mounts = c.volumeMounts.map((m: any) => m.mountPath);
                assert.ok(mounts.includes("/tmp"));
                assert.ok(mounts.includes("/app/uploads"));
            });

            it("stores uploads on the shared claim with the configured limits", async () => {
                const run = await stackRun(stack);
                const e = env(run);
                assert.equal(e.OVERWRITE_SETTING_FileUpload_Storage_Type.value, "FileSystem");
                assert.equal(e.OVERWRITE_SETTING_FileUpload_FileSystemPath.value, "/app/uploads");
                assert.equal(e.OVERWRITE_SETTING_FileUpload_MaxFileSize.value, "104857600");
                const claim = findObject(run, "PersistentVolumeClaim", "rocketchat-uploads");
                assert.deepEqual(claim.spec.accessModes, [stack === "dev" ? "ReadWriteOnce" : "ReadWriteMany"]);
                const volume = deployment(run).spec.template.spec.volumes.find((v: any) => v.name === "uploads");
                assert.equal(volume.persistentVolumeClaim.claimName, "rocketchat-uploads");
            });

            it("spreads pods with a disruption budget and a NetworkPolicy", async () => {
                const run = await stackRun(stack);
                const d = deployment(run);
                const anti = d.spec.template.spec.affinity.podAntiAffinity;
                const term = stack === "dev" ? anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm : anti.requiredDuringSchedulingIgnoredDuringExecution[0];
                assert.equal(term.topologyKey, "kubernetes.io/hostname");
                assert.deepEqual(term.labelSelector.matchLabels, d.spec.selector.matchLabels);
                assert.equal(findObject(run, "PodDisruptionBudget", "rocketchat").spec.maxUnavailable, 1);
                const policy = findObject(run, "NetworkPolicy", "rocketchat");
                const [fromIngress, fromPeers] = policy.spec.ingress;
                assert.deepEqual(fromIngress.ports, [{ protocol: "TCP", port: 3000 }]);
                assert.ok(fromIngress.from.every((p: any) => p.namespaceSelector && !p.podSelector));
                assert.deepEqual(fromPeers.from, [{ podSelector: { matchLabels: d.spec.selector.matchLabels } }]);
            });

            it("exports URL, namespace, admin Secret and Keycloak client id", async () => {
                const run = await stackRun(stack);
                assert.equal(run.outputs.url, `https://${hostnames[stack]}`);
                assert.equal(run.outputs.namespace, `rocketchat-${stack}`);
                assert.equal(run.outputs.adminSecret, "rocketchat-admin");
                assert.equal(run.outputs.keycloakClientId, stack === "dev" ? null : "rocketchat");
            });
        });
    }

    describe("prod", () => {
        it("3 to 5 pods that cannot share a node, within the 5 schedulable nodes", async () => {
            const run = await stackRun("prod");
            const d = deployment(run);
            assert.ok(d.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
            // The autoscaler owns the replica count; the Deployment leaves it unset.
            assert.equal(d.spec.replicas, undefined);
            const hpa = findObject(run, "HorizontalPodAutoscaler", "rocketchat");
            assert.equal(hpa.apiVersion, "autoscaling/v2");
            assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "rocketchat" });
            assert.equal(hpa.spec.minReplicas, 3);
            assert.equal(hpa.spec.maxReplicas, 5);
            assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 80);
        });

        it("publishes an Ingress with TLS, websocket timeouts, class and extra annotations", async () => {
            const run = await stackRun("prod");
            const ingress = findObject(run, "Ingress", "rocketchat");
            assert.equal(ingress.apiVersion, "networking.k8s.io/v1");
            assert.equal(ingress.spec.ingressClassName, "nginx");
            assert.deepEqual(ingress.spec.tls, [{ hosts: ["chat.example.org"], secretName: "rocketchat-tls" }]);
            assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"], "3600");
            assert.equal(ingress.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt");
            assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, "rocketchat");
            assert.equal(objectsOfKind(run, "Route").length, 0);
            const policy = findObject(run, "NetworkPolicy", "rocketchat");
            assert.deepEqual(policy.spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }]);
        });

        it("enforces the uploads whitelist and retention in Rocket.Chat's units", async () => {
            const e = env(await stackRun("prod"));
            assert.equal(e.OVERWRITE_SETTING_FileUpload_MediaTypeWhiteList.value, "image/*,video/*,audio/*,application/pdf,text/plain");
            assert.equal(e.OVERWRITE_SETTING_RetentionPolicy_Enabled.value, "true");
            assert.equal(e.OVERWRITE_SETTING_RetentionPolicy_TTL_DMs.value, String(730 * 86_400_000));
            assert.equal(e.OVERWRITE_SETTING_RetentionPolicy_AppliesToChannels.value, "true");
        });

        it("reads the licence and SMTP from their Secrets", async () => {
            const e = env(await stackRun("prod"));
            assert.deepEqual(e.ROCKETCHAT_LICENSE.valueFrom.secretKeyRef, { name: "rocketchat-license", key: "license" });
            assert.deepEqual(e.OVERWRITE_SETTING_SMTP_Password.valueFrom.secretKeyRef, { name: "rocketchat-smtp", key: "password" });
        });
    });

    describe("test (OpenShift)", () => {
        it("publishes an edge-terminated Route that redirects plain HTTP", async () => {
            const run = await stackRun("test");
            const route = findObject(run, "Route", "rocketchat");
            assert.equal(route.apiVersion, "route.openshift.io/v1");
            assert.equal(route.spec.host, "chat-test.apps.example.org");
            assert.deepEqual(route.spec.tls, { termination: "edge", insecureEdgeTerminationPolicy: "Redirect" });
            assert.deepEqual(route.spec.to, { kind: "Service", name: "rocketchat", weight: 100 });
            assert.equal(objectsOfKind(run, "Ingress").length, 0);
        });
    });

    describe("dev", () => {
        it("runs one fixed pod without an autoscaler and keeps the login form", async () => {
            const run = await stackRun("dev");
            assert.equal(deployment(run).spec.replicas, 1);
            assert.equal(objectsOfKind(run, "HorizontalPodAutoscaler").length, 0);
            const e = env(run);
            assert.equal(e.OVERWRITE_SETTING_Accounts_ShowFormLogin.value, "true");
            assert.equal(Object.keys(e).filter((n) => n.includes("OAuth")).length, 0);
        });
    });

    describe("settings changes", () => {
        it("a changed setting changes the pod-template checksum; an identical run does not", async () => {
            const checksum = (run: StackRun) => deployment(run).spec.template.metadata.annotations["rocketchat-ha.io/config-checksum"];
            const base = checksum(await runStack("prod"));
            assert.match(base, /^[0-9a-f]{64}$/);
            assert.equal(checksum(await runStack("prod")), base);
            assert.notEqual(checksum(await runStack("prod", { uploadsMaxFileSizeBytes: 2048 })), base);
        });

        it("GridFS uploads need no claim and no volume", async () => {
            const run = await runStack("prod", { uploadsStorage: "GridFS", uploadsAccessMode: "ReadWriteOnce" });
            assert.equal(objectsOfKind(run, "PersistentVolumeClaim").filter((c) => c.metadata.name === "rocketchat-uploads").length, 0);
            assert.equal(env(run).OVERWRITE_SETTING_FileUpload_Storage_Type.value, "GridFS");
            assert.ok(!container(run).volumeMounts.some((m: any) => m.mountPath === "/app/uploads"));
        });

        it("older images get the probes they serve", async () => {
            const run = await runStack("test", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:7.10.9", mongodbImage: "mongo:7.0.40" });
            assert.equal(container(run).livenessProbe.httpGet.path, "/health");
            assert.equal(container(run).readinessProbe.httpGet.path, "/health");
        });

        it("a restore scales Rocket.Chat to zero and removes the autoscaler that would fight it", async () => {
            const run = await runStack("prod", { restoreArchive: "rocketchat-20261128T021500Z.archive.gz" });
            assert.equal(deployment(run).spec.replicas, 0);
            assert.equal(objectsOfKind(run, "HorizontalPodAutoscaler").length, 0);
        });

        it("warns when several pods run without the scalability licence", async () => {
            const without = await runStack("prod", { licenseSecretName: "" });
            assert.equal(without.warnings.length, 1);
            assert.match(without.warnings[0], /may run 5 pods but no licenseSecretName is set/);
            assert.match(without.warnings[0], /scalability/);
            assert.deepEqual((await stackRun("prod")).warnings, []);
            assert.deepEqual((await stackRun("dev")).warnings, []);
        });
    });
});
