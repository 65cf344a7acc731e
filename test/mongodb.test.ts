import { strict as assert } from "assert";
import { findObject, objectsOfKind } from "../tools/mockRuntime";
import { stackRun, stacks } from "./support/stacks";

const expectedMembers: Record<string, number> = { dev: 1, test: 3, prod: 3 };

describe("MongoDB replica set", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            it(`declares ${expectedMembers[stack]} member(s) with a ReadWriteOnce volume each`, async () => {
                const run = await stackRun(stack);
                const sts = findObject(run, "StatefulSet", "rocketchat-mongodb");
                assert.equal(sts.spec.replicas, expectedMembers[stack]);
                const [claim] = sts.spec.volumeClaimTemplates;
                assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"]);
                assert.equal(claim.spec.resources.requests.storage, { dev: "5Gi", test: "10Gi", prod: "100Gi" }[stack]);
                assert.equal(claim.spec.storageClassName, { dev: undefined, test: "gp3-csi", prod: "fast-ssd" }[stack]);
                // Deleting or scaling the set never deletes data.
                assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
            });

            it("resolves members through a headless Service that publishes not-ready addresses", async () => {
                const run = await stackRun(stack);
                const sts = findObject(run, "StatefulSet", "rocketchat-mongodb");
                const headless = findObject(run, "Service", sts.spec.serviceName);
                assert.equal(headless.spec.clusterIP, "None");
                assert.equal(headless.spec.publishNotReadyAddresses, true);
                assert.deepEqual(headless.spec.selector, sts.spec.selector.matchLabels);
                const client = findObject(run, "Service", "rocketchat-mongodb");
                assert.equal(client.spec.ports[0].port, 27017);
                assert.notEqual(client.spec.clusterIP, "None");
                // Parallel start: the bootstrap needs all members before any is Ready.
                assert.equal(sts.spec.podManagementPolicy, "Parallel");
            });

            it("places members by anti-affinity on kubernetes.io/hostname as the stack asks", async () => {
                const run = await stackRun(stack);
                const sts = findObject(run, "StatefulSet", "rocketchat-mongodb");
                const anti = sts.spec.template.spec.affinity.podAntiAffinity;
                if (stack === "dev") {
                    assert.equal(anti.requiredDuringSchedulingIgnoredDuringExecution, undefined);
                    assert.equal(anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey, "kubernetes.io/hostname");
                } else {
                    const [term] = anti.requiredDuringSchedulingIgnoredDuringExecution;
                    assert.equal(term.topologyKey, "kubernetes.io/hostname");
                    // The selector must match the members' own labels, or it keeps nothing apart.
                    const podLabels = sts.spec.template.metadata.labels;
                    for (const [k, v] of Object.entries(term.labelSelector.matchLabels)) {
                        assert.equal(podLabels[k], v);
                    }
                }
            });

            it("installs the keyfile with mode 0400 through an emptyDir and runs mongod with it", async () => {
                const run = await stackRun(stack);
                const pod = findObject(run, "StatefulSet", "rocketchat-mongodb").spec.template.spec;
                const [init] = pod.initContainers;
                assert.match(init.command.join(" "), /cp \/keyfile-secret\/keyfile \/keyfile\/keyfile && chmod 0400 \/keyfile\/keyfile/);
                const keyfileVolume = pod.volumes.find((v: any) => v.name === "keyfile");
                assert.ok(keyfileVolume.emptyDir, "the copy lives in an emptyDir");
                const mongod = pod.containers[0];
                const args = mongod.args.join(" ");
                assert.match(args, /--replSet rs0/);
                assert.match(args, /--keyFile \/keyfile\/keyfile/);
                assert.match(args, /--bind_ip_all/);
            });

            it("hands mongod the root credentials as Secret files, not environment values", async () => {
                const run = await stackRun(stack);
                const pod = findObject(run, "StatefulSet", "rocketchat-mongodb").spec.template.spec;
                const mongod = pod.containers[0];
                const env = Object.fromEntries(mongod.env.map((e: any) => [e.name, e]));
                assert.equal(env.MONGO_INITDB_ROOT_PASSWORD, undefined);
                const mount = mongod.volumeMounts.find((m: any) => env.MONGO_INITDB_ROOT_PASSWORD_FILE.value.startsWith(m.mountPath));
                const volume = pod.volumes.find((v: any) => v.name === mount.name);
                assert.equal(volume.secret.secretName, "rocketchat-mongodb-users");
                assert.deepEqual(volume.secret.items.map((i: any) => i.key).sort(), ["root-password", "root-username"]);
            });

            it("sizes the WiredTiger cache from the memory limit", async () => {
                const run = await stackRun(stack);
                const mongod = findObject(run, "StatefulSet", "rocketchat-mongodb").spec.template.spec.containers[0];
                const cache = Number(mongod.args[mongod.args.indexOf("--wiredTigerCacheSizeGB") + 1]);
                // dev 1Gi -> floor 0.25; test 2Gi -> 0.5; prod 4Gi -> 1.5.
                assert.equal(cache, { dev: 0.25, test: 0.5, prod: 1.5 }[stack]);
            });

            it("has startup, liveness and readiness probes with mongosh-friendly timeouts", async () => {
                const run = await stackRun(stack);
                const mongod = findObject(run, "StatefulSet", "rocketchat-mongodb").spec.template.spec.containers[0];
                for (const probe of [mongod.startupProbe, mongod.livenessProbe, mongod.readinessProbe]) {
                    assert.ok(probe.exec.command.includes("mongosh"));
                    assert.ok(probe.timeoutSeconds >= 5 && probe.timeoutSeconds <= 10);
                }
                assert.match(mongod.livenessProbe.exec.command.join(" "), /ping/);
                assert.match(mongod.readinessProbe.exec.command.join(" "), /isWritablePrimary \|\| h\.secondary/);
                assert.ok(mongod.startupProbe.periodSeconds * mongod.startupProbe.failureThreshold >= 300, "long journal recovery is tolerated");
                assert.ok(mongod.resources.requests.memory && mongod.resources.limits.memory && mongod.resources.limits.cpu);
            });

            it("meets the restricted Pod Security Standard; fixed UID only off OpenShift", async () => {
                const run = await stackRun(stack);
                const pod = findObject(run, "StatefulSet", "rocketchat-mongodb").spec.template.spec;
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                assert.equal(pod.securityContext.runAsUser, stack === "test" ? undefined : 999);
                for (const c of [...pod.initContainers, ...pod.containers]) {
                    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
                    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
                }
                assert.ok(pod.terminationGracePeriodSeconds >= 30);
            });

            it("allows one voluntary eviction at a time", async () => {
                const run = await stackRun(stack);
                const pdb = findObject(run, "PodDisruptionBudget", "rocketchat-mongodb");
                assert.equal(pdb.spec.maxUnavailable, 1);
                assert.equal(pdb.spec.minAvailable, undefined);
            });

            it("admits 27017 only from members and labelled clients, and every client carries the label", async () => {
                const run = await stackRun(stack);
                const policy = findObject(run, "NetworkPolicy", "rocketchat-mongodb");
                assert.deepEqual(policy.spec.policyTypes, ["Ingress"]);
                assert.equal(policy.spec.ingress.length, 1);
                assert.deepEqual(policy.spec.ingress[0].ports, [{ protocol: "TCP", port: 27017 }]);
                const peers = policy.spec.ingress[0].from.map((p: any) => p.podSelector.matchLabels);
                const admitted = (labels: Record<string, string>) =>
                    peers.some((selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v));
                assert.ok(!admitted({ "app.kubernetes.io/name": "something-else" }), "an unlabelled pod is refused");
                for (const [kind, name] of [["StatefulSet", "rocketchat-mongodb"], ["Deployment", "rocketchat"]]) {
                    assert.ok(admitted(findObject(run, kind, name).spec.template.metadata.labels), `${kind}/${name} may connect`);
                }
                // Every Job that holds MongoDB credentials can also reach MongoDB.
                const usesMongo = (spec: any) => spec.containers.some((c: any) =>
                    (c.env ?? []).some((e: any) => e.valueFrom?.secretKeyRef?.name === "rocketchat-mongodb-users"));
                const mongoJobs = objectsOfKind(run, "Job").filter((j) => usesMongo(j.spec.template.spec));
                assert.ok(mongoJobs.length >= 1);
                for (const job of mongoJobs) {
                    assert.ok(admitted(job.spec.template.metadata.labels), `Job/${job.metadata.name} may connect`);
                }
            });

            it("bootstraps every member by DNS name through an idempotent Job", async () => {
                const run = await stackRun(stack);
                const [job] = objectsOfKind(run, "Job").filter((j) => j.metadata.name.startsWith("rocketchat-mongodb-bootstrap-"));
                const container = job.spec.template.spec.containers[0];
                const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
                const hostsList = JSON.parse(env.MEMBER_HOSTS.value);
                const namespace = `rocketchat-${stack}`;
                assert.deepEqual(hostsList, Array.from({ length: expectedMembers[stack] },
                    (_, i) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.${namespace}.svc.cluster.local:27017`));
                assert.equal(env.ROOT_PASSWORD.valueFrom.secretKeyRef.name, "rocketchat-mongodb-users");
                const script = findObject(run, "ConfigMap", "rocketchat-mongodb-bootstrap").data["bootstrap.js"];
                assert.match(script, /replSetInitiate/);
                assert.deepEqual(container.command.slice(0, 2), ["mongosh", "--nodb"]);
            });

            it("exports the connection string only as a Secret reference", async () => {
                const run = await stackRun(stack);
                assert.equal(run.outputs.mongodbConnectionSecret, "rocketchat-mongodb-connection");
                const secret = findObject(run, "Secret", "rocketchat-mongodb-connection");
                const uri: string = secret.stringData["mongo-url"];
                assert.match(uri, new RegExp(`^mongodb://rocketchat:[^@]+@rocketchat-mongodb-0\\.rocketchat-mongodb-headless\\.rocketchat-${stack}\\.svc\\.cluster\\.local:27017`));
                assert.match(uri, /replicaSet=rs0/);
                assert.match(uri, /w=majority/);
                const resource = run.resources.find((r) => r.inputs.kind === "Secret" && r.inputs.metadata.name === "rocketchat-mongodb-connection")!;
                assert.ok(resource.secretPaths.some((p) => p.startsWith("/stringData")), "the URI stays a Pulumi secret");
                assert.ok(!JSON.stringify(run.outputs).includes(uri));
            });
        });
    }

    it("prod: three members that cannot share a node", async () => {
        const run = await stackRun("prod");
        const sts = findObject(run, "StatefulSet", "rocketchat-mongodb");
        assert.equal(sts.spec.replicas, 3);
        assert.equal(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "kubernetes.io/hostname");
    });
});
