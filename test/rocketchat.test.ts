import { strict as assert } from "assert";
import { loadSettings } from "../components/config";
import { rocketchatDefaults } from "../components/rocketchat/defaults";
import { configChecksumAnnotation, rocketchatObjects } from "../components/rocketchat/rocketchatObjects";
import { rocketchatArgsFromSettings, rocketchatWarnings } from "../components/rocketchat/settingsArgs";
import { projectDefaults, projectName } from "../tools/stackConfig";
import { programPeers, rocketchatBuild, RocketChatBuild, rolloutSecretPlaceholders } from "./support/rocketchatBuild";
import { settingsFor } from "./support/settings";
import { stacks } from "./support/stacks";

const deployment = (b: RocketChatBuild) => b.objects.deployment as any;
const container = (b: RocketChatBuild) => deployment(b).spec.template.spec.containers[0];

const hostnames: Record<string, string> = { dev: "chat-dev.example.org", test: "chat-test.apps.example.org", prod: "chat.example.org" };

describe("Rocket.Chat", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            it("connects through the Secret, registers its pod IP and serves on 3000", () => {
                const b = rocketchatBuild(stack);
                const e = b.env;
                assert.equal(e.ROOT_URL.value, `https://${hostnames[stack]}`);
                assert.equal(e.PORT.value, "3000");
                assert.deepEqual(e.MONGO_URL.valueFrom.secretKeyRef, { name: "rocketchat-mongodb-connection", key: "mongo-url" });
                assert.deepEqual(e.INSTANCE_IP.valueFrom.fieldRef, { fieldPath: "status.podIP" });
                assert.equal(e.MONGO_OPLOG_URL, undefined, "change streams replace the oplog URL");
                assert.equal(b.objects.service.spec!.ports![0].port, 3000);
            });

            it("creates the break-glass admin from the generated Secret and skips the wizard", () => {
                const e = rocketchatBuild(stack).env;
                for (const [name, key] of [["ADMIN_USERNAME", "username"], ["ADMIN_PASS", "password"], ["ADMIN_EMAIL", "email"]]) {
                    assert.deepEqual(e[name].valueFrom.secretKeyRef, { name: "rocketchat-admin", key });
                }
                assert.equal(e.OVERWRITE_SETTING_Show_Setup_Wizard.value, "completed");
            });

            it("rolls out one pod at a time at most (see rolloutStrategy.test.ts), with requests, limits and probes for its version", () => {
                const b = rocketchatBuild(stack);
                const d = deployment(b);
                assert.equal(d.spec.strategy.type, "RollingUpdate");
                assert.equal(d.spec.strategy.rollingUpdate.maxSurge + d.spec.strategy.rollingUpdate.maxUnavailable, 1);
                const c = container(b);
                assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory);
                // 8.5.1 serves /livez and /readyz (7.11+).
                assert.equal(c.livenessProbe.httpGet.path, "/livez");
                assert.equal(c.readinessProbe.httpGet.path, "/readyz");
                assert.equal(c.startupProbe.httpGet.path, "/livez");
                assert.ok(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold >= 300, "migrations may take minutes");
            });

            it("runs restricted with writable paths as volumes; fixed UID only off OpenShift", () => {
                const b = rocketchatBuild(stack);
                const pod = deployment(b).spec.template.spec;
                const c = container(b);
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

            it("stores uploads on the shared claim with the configured limits", () => {
                const b = rocketchatBuild(stack);
                const e = b.env;
                assert.equal(e.OVERWRITE_SETTING_FileUpload_Storage_Type.value, "FileSystem");
                assert.equal(e.OVERWRITE_SETTING_FileUpload_FileSystemPath.value, "/app/uploads");
                assert.equal(e.OVERWRITE_SETTING_FileUpload_MaxFileSize.value, "104857600");
                const claim = b.objects.uploadsClaim!;
                assert.equal(claim.metadata!.name, "rocketchat-uploads");
                assert.deepEqual(claim.spec!.accessModes, [stack === "dev" ? "ReadWriteOnce" : "ReadWriteMany"]);
                const volume = deployment(b).spec.template.spec.volumes.find((v: any) => v.name === "uploads");
                assert.equal(volume.persistentVolumeClaim.claimName, "rocketchat-uploads");
            });

            it("spreads pods with a disruption budget and a NetworkPolicy", () => {
                const b = rocketchatBuild(stack);
                const d = deployment(b);
                const anti = d.spec.template.spec.affinity.podAntiAffinity;
                const term = stack === "dev" ? anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm : anti.requiredDuringSchedulingIgnoredDuringExecution[0];
                assert.equal(term.topologyKey, "kubernetes.io/hostname");
                assert.deepEqual(term.labelSelector.matchLabels, d.spec.selector.matchLabels);
                assert.equal(b.objects.disruptionBudget.spec!.maxUnavailable, 1);
                const policy = b.objects.networkPolicy as any;
                const [fromIngress, fromPeers] = policy.spec.ingress;
                assert.deepEqual(fromIngress.ports, [{ protocol: "TCP", port: 3000 }]);
                assert.ok(fromIngress.from.every((p: any) => p.namespaceSelector && !p.podSelector));
                assert.deepEqual(fromPeers.from, [{ podSelector: { matchLabels: d.spec.selector.matchLabels } }]);
            });
        });
    }

    describe("prod", () => {
        it("3 to 5 pods that cannot share a node, within the 5 schedulable nodes", () => {
            const b = rocketchatBuild("prod");
            const d = deployment(b);
            assert.ok(d.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
            // The autoscaler owns the replica count; the Deployment leaves it unset.
            assert.equal(d.spec.replicas, undefined);
            const hpa = b.objects.autoscaler as any;
            assert.equal(hpa.apiVersion, "autoscaling/v2");
            assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "rocketchat" });
            assert.equal(hpa.spec.minReplicas, 3);
            assert.equal(hpa.spec.maxReplicas, 5);
            assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 80);
        });

        it("publishes an Ingress with TLS, websocket timeouts, class and extra annotations", () => {
            const b = rocketchatBuild("prod");
            const ingress = b.objects.exposure as any;
            assert.equal(ingress.apiVersion, "networking.k8s.io/v1");
            assert.equal(ingress.spec.ingressClassName, "nginx");
            assert.deepEqual(ingress.spec.tls, [{ hosts: ["chat.example.org"], secretName: "rocketchat-tls" }]);
            assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"], "3600");
            assert.equal(ingress.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt");
            assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, "rocketchat");
            // The one exposure object is the Ingress: no Route on Kubernetes.
            assert.equal(ingress.kind, "Ingress");
            const policy = b.objects.networkPolicy as any;
            assert.deepEqual(policy.spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }]);
        });

        it("lets `pulumi up` wait for the Ingress by default; ingressAwaitLoadBalancer false adds the provider's skipAwait, and only that", () => {
            const waiting = (rocketchatBuild("prod").objects.exposure as any).metadata.annotations;
            assert.equal(waiting["pulumi.com/skipAwait"], undefined, "by default the provider waits for the load-balancer status");
            const skipping = (rocketchatBuild("prod", { ingressAwaitLoadBalancer: false }).objects.exposure as any).metadata.annotations;
            // pulumi-kubernetes skips its await only for the exact value "true" (pkg/metadata/annotations.go IsAnnotationTrue).
            assert.equal(skipping["pulumi.com/skipAwait"], "true");
            const { ["pulumi.com/skipAwait"]: _skip, ...rest } = skipping;
            assert.deepEqual(rest, waiting, "no other annotation changes");
        });

        it("enforces the uploads whitelist and retention in Rocket.Chat's units", () => {
            const e = rocketchatBuild("prod").env;
            assert.equal(e.OVERWRITE_SETTING_FileUpload_MediaTypeWhiteList.value, "image/*,video/*,audio/*,application/pdf,text/plain");
            assert.equal(e.OVERWRITE_SETTING_RetentionPolicy_Enabled.value, "true");
            assert.equal(e.OVERWRITE_SETTING_RetentionPolicy_TTL_DMs.value, String(730 * 86_400_000));
            assert.equal(e.OVERWRITE_SETTING_RetentionPolicy_AppliesToChannels.value, "true");
        });

        it("reads the licence and SMTP from their Secrets", () => {
            const e = rocketchatBuild("prod").env;
            assert.deepEqual(e.ROCKETCHAT_LICENSE.valueFrom.secretKeyRef, { name: "rocketchat-license", key: "license" });
            assert.deepEqual(e.OVERWRITE_SETTING_SMTP_Password.valueFrom.secretKeyRef, { name: "rocketchat-smtp", key: "password" });
        });
    });

    describe("test (OpenShift)", () => {
        it("publishes an edge-terminated Route that redirects plain HTTP", () => {
            const route = rocketchatBuild("test").objects.exposure as any;
            assert.equal(route.apiVersion, "route.openshift.io/v1");
            assert.equal(route.spec.host, "chat-test.apps.example.org");
            assert.deepEqual(route.spec.tls, { termination: "edge", insecureEdgeTerminationPolicy: "Redirect" });
            assert.deepEqual(route.spec.to, { kind: "Service", name: "rocketchat", weight: 100 });
            // The one exposure object is the Route: no Ingress on OpenShift.
            assert.equal(route.kind, "Route");
        });

        it("ignores ingressAwaitLoadBalancer (nothing waits for a Route) and says so when it is false", () => {
            const waiting = rocketchatBuild("test").objects.exposure as any;
            const skipping = rocketchatBuild("test", { ingressAwaitLoadBalancer: false }).objects.exposure as any;
            assert.deepEqual(skipping, waiting, "the Route is the same object either way");
            assert.equal(skipping.metadata.annotations["pulumi.com/skipAwait"], undefined);
            assert.deepEqual(rocketchatWarnings(settingsFor("test")), []);
            const warnings = rocketchatWarnings(settingsFor("test", { ingressAwaitLoadBalancer: false }));
            assert.equal(warnings.length, 1);
            assert.match(warnings[0], /ingressAwaitLoadBalancer is false, which has no effect on OpenShift: pulumi up never waits for the Route/);
            assert.match(warnings[0], /oc -n rocketchat-test get routes/);
        });
    });

    describe("dev", () => {
        it("runs one fixed pod without an autoscaler and keeps the login form", () => {
            const b = rocketchatBuild("dev");
            assert.equal(deployment(b).spec.replicas, 1);
            assert.equal(b.objects.autoscaler, undefined);
            const e = b.env;
            assert.equal(e.OVERWRITE_SETTING_Accounts_ShowFormLogin.value, "true");
            assert.equal(Object.keys(e).filter((n) => n.includes("OAuth")).length, 0);
        });
    });

    describe("settings changes", () => {
        const checksum = (b: RocketChatBuild) => deployment(b).spec.template.metadata.annotations[configChecksumAnnotation];

        it("a changed setting changes the pod-template checksum; an identical run does not", () => {
            const base = checksum(rocketchatBuild("prod"));
            assert.match(base, /^[0-9a-f]{64}$/);
            assert.equal(checksum(rocketchatBuild("prod")), base);
            assert.notEqual(checksum(rocketchatBuild("prod", { uploadsMaxFileSizeBytes: 2048 })), base);
        });

        it("a changed Secret value (a new admin password) changes the checksum too", () => {
            const base = checksum(rocketchatBuild("prod"));
            const rotated = rolloutSecretPlaceholders.map((v, i) => (i === 1 ? `${v} rotated` : v));
            assert.notEqual(checksum(rocketchatBuild("prod", {}, rotated)), base);
            assert.ok(!JSON.stringify(rocketchatBuild("prod", {}, rotated).objects).includes("rotated"), "values are hashed, never stored");
        });

        it("GridFS uploads need no claim and no volume", () => {
            const b = rocketchatBuild("prod", { uploadsStorage: "GridFS", uploadsAccessMode: "ReadWriteOnce" });
            assert.equal(b.objects.uploadsClaim, undefined);
            assert.equal(b.env.OVERWRITE_SETTING_FileUpload_Storage_Type.value, "GridFS");
            assert.ok(!container(b).volumeMounts.some((m: any) => m.mountPath === "/app/uploads"));
        });

        it("older images get the probes they serve", () => {
            const b = rocketchatBuild("test", { rocketchatImage: "registry.rocket.chat/rocketchat/rocket.chat:7.10.9", mongodbImage: "mongo:7.0.40" });
            assert.equal(container(b).livenessProbe.httpGet.path, "/health");
            assert.equal(container(b).readinessProbe.httpGet.path, "/health");
        });

        it("a restore scales Rocket.Chat to zero and removes the autoscaler that would fight it", () => {
            const b = rocketchatBuild("prod", { restoreArchive: "rocketchat-20261128T021500Z.archive.gz" });
            assert.equal(deployment(b).spec.replicas, 0);
            assert.equal(b.objects.autoscaler, undefined);
        });

        it("warns when several pods run without the scalability licence", () => {
            const without = rocketchatWarnings(settingsFor("prod", { licenseSecretName: "" }));
            assert.equal(without.length, 1);
            assert.match(without[0], /may run 5 pods but no licenseSecretName is set/);
            assert.match(without[0], /scalability/);
            assert.deepEqual(rocketchatWarnings(settingsFor("prod")), []);
            assert.deepEqual(rocketchatWarnings(settingsFor("dev")), []);
        });
    });

    describe("the builder's defaults", () => {
        it("each default is Pulumi.yaml's default of the setting it mirrors", () => {
            const defaults = projectDefaults();
            const { resources, ...bySetting } = rocketchatDefaults;
            const mirrored: Record<string, unknown> = {
                ...bySetting,
                rocketchatCpuRequest: resources.cpuRequest,
                rocketchatCpuLimit: resources.cpuLimit,
                rocketchatMemoryRequest: resources.memoryRequest,
                rocketchatMemoryLimit: resources.memoryLimit,
            };
            for (const [setting, value] of Object.entries(mirrored)) {
                const declared = defaults[`${projectName}:${setting}`];
                assert.notEqual(declared, undefined, `${setting} has a default in Pulumi.yaml`);
                assert.equal(typeof value === "string" ? value : JSON.stringify(value), declared, setting);
            }
        });

        it("the builder with only its required args gives what Pulumi.yaml's defaults give", () => {
            const values: Record<string, string> = { ...projectDefaults(), [`${projectName}:namespace`]: "chat", [`${projectName}:hostname`]: "chat.example.org", [`${projectName}:ssoEnabled`]: "false" };
            const s = loadSettings((name) => values[`${projectName}:${name}`], () => Object.keys(values));
            const peers = programPeers(s);
            const minimal = rocketchatObjects("rocketchat", {
                namespace: "chat",
                hostname: "chat.example.org",
                connectionSecretName: peers.connectionSecretName,
                adminSecretName: peers.adminSecretName,
                mongodbClientLabels: peers.mongodbClientLabels,
            }, "checksum");
            assert.deepEqual(minimal, rocketchatObjects("rocketchat", rocketchatArgsFromSettings(s, peers), "checksum"));
            // Autoscaling is on by default (autoscalingEnabled true).
            assert.ok(minimal.autoscaler);
        });
    });
});
