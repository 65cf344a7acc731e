import { strict as assert } from "assert";
import { memberClaimPatches } from "../components/mongodb/memberVolumes";
import { mongoClientLabels, mongoConnectionSecretName } from "../components/mongodb/names";
import { mongoReplicaSetDefaults, replicaSetObjects, resolveReplicaSetSettings } from "../components/mongodb/replicaSetObjects";
import { projectDefaults } from "../tools/stackConfig";
import { generated, instance, mongodbObjects } from "./support/mongodbObjects";
import { kubernetesObjects } from "../tools/resourceList";
import { builtStack } from "./support/platformBuild";
import { containersOf, podTemplates, stacks } from "./support/stacks";

const expectedMembers: Record<string, number> = { dev: 1, test: 3, prod: 3 };

describe("MongoDB replica set", () => {
    for (const stack of stacks) {
        describe(stack, () => {
            const { replicaSet } = mongodbObjects(stack);
            const sts: any = replicaSet.statefulSet;
            const pod: any = sts.spec.template.spec;
            const mongod: any = pod.containers[0];

            it(`declares ${expectedMembers[stack]} member(s) with a ReadWriteOnce volume each`, () => {
                assert.equal(sts.metadata.name, "rocketchat-mongodb");
                assert.equal(sts.spec.replicas, expectedMembers[stack]);
                const [claim] = sts.spec.volumeClaimTemplates;
                assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"]);
                assert.equal(claim.spec.resources.requests.storage, { dev: "5Gi", test: "10Gi", prod: "100Gi" }[stack]);
                assert.equal(claim.spec.storageClassName, { dev: undefined, test: "gp3-csi", prod: "fast-ssd" }[stack]);
                // Deleting or scaling the set never deletes data.
                assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
            });

            it("resolves members through a headless Service that publishes not-ready addresses", () => {
                const headless: any = replicaSet.headlessService;
                assert.equal(headless.metadata.name, sts.spec.serviceName);
                assert.equal(headless.spec.clusterIP, "None");
                assert.equal(headless.spec.publishNotReadyAddresses, true);
                assert.deepEqual(headless.spec.selector, sts.spec.selector.matchLabels);
                const client: any = replicaSet.clientService;
                assert.equal(client.metadata.name, "rocketchat-mongodb");
                assert.equal(client.spec.ports[0].port, 27017);
                assert.notEqual(client.spec.clusterIP, "None");
                // Parallel start: the bootstrap needs all members before any is Ready.
                assert.equal(sts.spec.podManagementPolicy, "Parallel");
            });

            it("places members by anti-affinity on kubernetes.io/hostname as the stack asks", () => {
                const anti = pod.affinity.podAntiAffinity;
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

            it("installs the keyfile with mode 0400 through an emptyDir and runs mongod with it", () => {
                const [init] = pod.initContainers;
                assert.match(init.command.join(" "), /cp \/keyfile-secret\/keyfile \/keyfile\/keyfile && chmod 0400 \/keyfile\/keyfile/);
                const keyfileVolume = pod.volumes.find((v: any) => v.name === "keyfile");
                assert.ok(keyfileVolume.emptyDir, "the copy lives in an emptyDir");
                assert.equal(pod.volumes.find((v: any) => v.name === "keyfile-secret").secret.secretName, "rocketchat-mongodb-keyfile");
                const args = mongod.args.join(" ");
                assert.match(args, /--replSet rs0/);
                assert.match(args, /--keyFile \/keyfile\/keyfile/);
                assert.match(args, /--bind_ip_all/);
            });

            it("hands mongod the root credentials as Secret files, not environment values", () => {
                const env = Object.fromEntries(mongod.env.map((e: any) => [e.name, e]));
                assert.equal(env.MONGO_INITDB_ROOT_PASSWORD, undefined);
                const mount = mongod.volumeMounts.find((m: any) => env.MONGO_INITDB_ROOT_PASSWORD_FILE.value.startsWith(m.mountPath));
                const volume = pod.volumes.find((v: any) => v.name === mount.name);
                assert.equal(volume.secret.secretName, "rocketchat-mongodb-users");
                assert.deepEqual(volume.secret.items.map((i: any) => i.key).sort(), ["root-password", "root-username"]);
            });

            it("sizes the WiredTiger cache from the memory limit", () => {
                const cache = Number(mongod.args[mongod.args.indexOf("--wiredTigerCacheSizeGB") + 1]);
                // dev 1Gi -> floor 0.25; test 2Gi -> 0.5; prod 4Gi -> 1.5.
                assert.equal(cache, { dev: 0.25, test: 0.5, prod: 1.5 }[stack]);
            });

            it("has startup, liveness and readiness probes with mongosh-friendly timeouts", () => {
                for (const probe of [mongod.startupProbe, mongod.livenessProbe, mongod.readinessProbe]) {
                    assert.ok(probe.exec.command.includes("mongosh"));
                    assert.ok(probe.timeoutSeconds >= 5 && probe.timeoutSeconds <= 10);
                }
                assert.match(mongod.livenessProbe.exec.command.join(" "), /ping/);
                assert.match(mongod.readinessProbe.exec.command.join(" "), /isWritablePrimary \|\| h\.secondary/);
                assert.ok(mongod.startupProbe.periodSeconds * mongod.startupProbe.failureThreshold >= 300, "long journal recovery is tolerated");
                assert.ok(mongod.resources.requests.memory && mongod.resources.limits.memory && mongod.resources.limits.cpu);
            });

            it("meets the restricted Pod Security Standard; fixed UID only off OpenShift", () => {
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                assert.equal(pod.securityContext.runAsUser, stack === "test" ? undefined : 999);
                for (const c of [...pod.initContainers, ...pod.containers]) {
                    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
                    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
                }
                assert.ok(pod.terminationGracePeriodSeconds >= 30);
            });

            it("allows one voluntary eviction at a time", () => {
                const pdb: any = replicaSet.disruptionBudget;
                assert.equal(pdb.metadata.name, "rocketchat-mongodb");
                assert.equal(pdb.spec.maxUnavailable, 1);
                assert.equal(pdb.spec.minAvailable, undefined);
            });

            it("admits 27017 only from members and labelled clients, and every client carries the label", () => {
                const policy: any = replicaSet.networkPolicy;
                assert.equal(policy.metadata.name, "rocketchat-mongodb");
                assert.deepEqual(policy.spec.policyTypes, ["Ingress"]);
                assert.equal(policy.spec.ingress.length, 1);
                assert.deepEqual(policy.spec.ingress[0].ports, [{ protocol: "TCP", port: 27017 }]);
                const peers = policy.spec.ingress[0].from.map((p: any) => p.podSelector.matchLabels);
                const admitted = (labels: Record<string, string>) =>
                    peers.some((selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v));
                assert.ok(!admitted({ "app.kubernetes.io/name": "something-else" }), "an unlabelled pod is refused");
                assert.ok(admitted(sts.spec.template.metadata.labels), "StatefulSet/rocketchat-mongodb may connect");
                // The label every other client (Rocket.Chat, exporter, backup Jobs) is given: their builders' tests check they carry it.
                assert.ok(admitted(mongoClientLabels(instance)), "the client label is admitted");
                // Every Job that holds MongoDB credentials can also reach MongoDB.
                const job: any = replicaSet.bootstrap.job;
                assert.ok(job.spec.template.spec.containers.some((c: any) => (c.env ?? []).some((e: any) => e.valueFrom?.secretKeyRef?.name === "rocketchat-mongodb-users")));
                assert.ok(admitted(job.spec.template.metadata.labels), `Job/${job.metadata.name} may connect`);
            });

            it("bootstraps every member by DNS name through an idempotent Job", () => {
                const job: any = replicaSet.bootstrap.job;
                assert.match(job.metadata.name, /^rocketchat-mongodb-bootstrap-[0-9a-f]{8}$/);
                const container = job.spec.template.spec.containers[0];
                const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
                const hostsList = JSON.parse(env.MEMBER_HOSTS.value);
                const namespace = `rocketchat-${stack}`;
                assert.deepEqual(hostsList, Array.from({ length: expectedMembers[stack] },
                    (_, i) => `rocketchat-mongodb-${i}.rocketchat-mongodb-headless.${namespace}.svc.cluster.local:27017`));
                assert.equal(env.ROOT_PASSWORD.valueFrom.secretKeyRef.name, "rocketchat-mongodb-users");
                const scripts: any = replicaSet.bootstrap.configMap;
                assert.equal(scripts.metadata.name, "rocketchat-mongodb-bootstrap");
                assert.equal(job.spec.template.spec.volumes.find((v: any) => v.name === "scripts").configMap.name, scripts.metadata.name);
                assert.match(scripts.data["bootstrap.js"], /replSetInitiate/);
                // bootstrap.js requires the rule for users of other generations from its own directory.
                assert.match(scripts.data["userGenerations.js"], /function otherGenerations/);
                assert.deepEqual(container.command.slice(0, 2), ["mongosh", "--nodb"]);
            });

            it("puts the connection string only in the connection Secret", () => {
                const secret: any = replicaSet.connectionSecret;
                assert.equal(secret.metadata.name, mongoConnectionSecretName(instance));
                assert.equal(secret.metadata.name, "rocketchat-mongodb-connection");
                const uri: string = secret.stringData["mongo-url"];
                assert.match(uri, new RegExp(`^mongodb://rocketchat:${generated.password("mongodb-app")}@rocketchat-mongodb-0\\.rocketchat-mongodb-headless\\.rocketchat-${stack}\\.svc\\.cluster\\.local:27017`));
                assert.match(uri, /replicaSet=rs0/);
                assert.match(uri, /w=majority/);
                // Its Pulumi secrecy and the stack output (mongodbConnectionSecret) are checked by the program test (credentials.test.ts).
            });
        });
    }

    it("prod: three members that cannot share a node", () => {
        const sts: any = mongodbObjects("prod").replicaSet.statefulSet;
        assert.equal(sts.spec.replicas, 3);
        assert.equal(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "kubernetes.io/hostname");
    });

    // The other areas' workloads: the whole stack as built (test/program.test.ts proves the program registers it).
    describe("whole stack (prod)", () => {
        it("every workload holding MongoDB credentials (users or connection Secret) carries the label the NetworkPolicy admits", async () => {
            const objects = kubernetesObjects(builtStack("prod"));
            const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "rocketchat-mongodb");
            const peers = policy.spec.ingress[0].from.map((p: any) => p.podSelector.matchLabels);
            const admitted = (labels: Record<string, string>) =>
                peers.some((selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v));
            const mongoSecrets = ["rocketchat-mongodb-users", "rocketchat-mongodb-connection"];
            const usesMongo = (spec: any) => containersOf(spec).some((c: any) => (c.env ?? []).some((e: any) => mongoSecrets.includes(e.valueFrom?.secretKeyRef?.name)));
            const clients = podTemplates(objects).filter((t) => usesMongo(t.spec));
            for (const owner of ["Deployment/rocketchat", "StatefulSet/rocketchat-mongodb"]) {
                assert.ok(admitted(podTemplates(objects).find((t) => t.owner === owner)!.labels), `${owner} may connect`);
            }
            assert.ok(clients.some((t) => t.owner.startsWith("Job/")) && clients.some((t) => t.owner === "Deployment/rocketchat"), clients.map((t) => t.owner).join(", "));
            for (const client of clients) {
                assert.ok(admitted(client.labels), `${client.owner} may connect`);
            }
        });
    });

    describe("builder defaults", () => {
        it("every documented default equals Pulumi.yaml's default of the setting it stands for", () => {
            const yaml = projectDefaults();
            const setting = (key: string) => yaml[`rocketchat-ha:${key}`];
            const d = mongoReplicaSetDefaults;
            assert.equal(d.image, setting("mongodbImage"));
            assert.equal(String(d.members), setting("mongodbMembers"));
            assert.equal(d.replicaSetName, setting("mongodbReplicaSetName"));
            assert.equal(d.database, setting("mongodbDatabase"));
            assert.equal(d.clusterDomain, setting("clusterDomain"));
            assert.equal(d.storageSize, setting("mongodbStorageSize"));
            assert.equal(d.resources.cpuRequest, setting("mongodbCpuRequest"));
            assert.equal(d.resources.cpuLimit, setting("mongodbCpuLimit"));
            assert.equal(d.resources.memoryRequest, setting("mongodbMemoryRequest"));
            assert.equal(d.resources.memoryLimit, setting("mongodbMemoryLimit"));
            assert.equal(d.antiAffinity, setting("podAntiAffinity"));
            assert.equal(String(d.zones), setting("topologyZones"));
            assert.equal(String(d.fixedUid), setting("fixedUids"));
            assert.equal(String(d.allowMemberRemoval), setting("mongodbAllowMemberRemoval"));
            // Unset storage class: the cluster default, as mongodbStorageClass "" gives.
            assert.equal(setting("mongodbStorageClass"), "");
        });

        it("a builder given only a namespace builds what a stack of Pulumi.yaml defaults builds", () => {
            const names = { usersSecretName: "users", keyfileSecretName: "keyfile", connectionUri: "uri" };
            const fromDefaults = replicaSetObjects<string>(instance, { namespace: "chat", ...names });
            // prod with every setting the replica set reads put back to Pulumi.yaml's default.
            const yaml = projectDefaults();
            const read = ["mongodbImage", "mongodbMembers", "mongodbReplicaSetName", "mongodbDatabase", "clusterDomain", "mongodbStorageClass", "mongodbStorageSize",
                "mongodbCpuRequest", "mongodbCpuLimit", "mongodbMemoryRequest", "mongodbMemoryLimit", "podAntiAffinity", "topologyZones", "fixedUids",
                "mongodbAllowMemberRemoval", "podPlacement", "imagePullSecrets"];
            const { args } = mongodbObjects("prod", { namespace: "chat", ...Object.fromEntries(read.map((key) => [key, yaml[`rocketchat-ha:${key}`]])) });
            const fromSettings = replicaSetObjects<string>(instance, { ...args, ...names });
            assert.deepEqual(fromDefaults, fromSettings);
        });

        it("an undefined optional arg takes its default, a given one wins", () => {
            assert.equal(resolveReplicaSetSettings({ namespace: "chat", members: undefined }).members, 3);
            assert.equal(resolveReplicaSetSettings({ namespace: "chat", members: 5 }).members, 5);
        });
    });
});

describe("members' volumes (components/mongodb/memberVolumes.ts)", () => {
    it("one patch per member claim, named as the StatefulSet controller names claims, setting only the size, forced over the controller's ownership", () => {
        const patches = memberClaimPatches({ statefulSetName: "rocketchat-mongodb", namespace: "chat", members: 3, storageSize: "200Gi" });
        assert.deepEqual(patches.map((p) => p.metadata!.name), ["data-rocketchat-mongodb-0", "data-rocketchat-mongodb-1", "data-rocketchat-mongodb-2"]);
        assert.deepEqual(patches[0], {
            apiVersion: "v1", kind: "PersistentVolumeClaim",
            metadata: { name: "data-rocketchat-mongodb-0", namespace: "chat", annotations: { "pulumi.com/patchForce": "true" } },
            spec: { resources: { requests: { storage: "200Gi" } } },
        });
    });
});
