// Resource policies on synthetic objects: each passes the compliant shape
// and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { containerProbes } from "../policy/policies/containerProbes";
import { containerResources } from "../policy/policies/containerResources";
import { haPodAntiAffinity } from "../policy/policies/haPodAntiAffinity";
import { mongodbMembers } from "../policy/policies/mongodbMembers";
import { mongodbZoneSpread } from "../policy/policies/mongodbZoneSpread";
import { noLiteralSecrets } from "../policy/policies/noLiteralSecrets";
import { pinnedImages } from "../policy/policies/pinnedImages";
import { podSecurityRestricted } from "../policy/policies/podSecurityRestricted";
import {
    backupCronJob,
    backupScripts,
    compliantObjects,
    messagesOf,
    mongoStatefulSet,
    rocketChatDeployment,
} from "../policy/testing/fixtures";

/** Exactly one message, matching every pattern, that also tells how to fix it. */
function assertOneViolation(messages: string[], ...patterns: RegExp[]): void {
    assert.equal(messages.length, 1, `expected one violation, got: ${JSON.stringify(messages, null, 2)}`);
    for (const pattern of patterns) {
        assert.match(messages[0], pattern);
    }
    assert.match(messages[0], / Fix: \S/);
}

const chatSpec = (deployment: Record<string, any>) => deployment.spec.template.spec;
const firstContainer = (workload: Record<string, any>) => (workload.spec.template ?? workload.spec.jobTemplate.spec.template).spec.containers[0];

describe("policy ha-pod-anti-affinity", () => {
    it("accepts required hostname anti-affinity that selects the workload's own pods", async () => {
        assert.deepEqual(await messagesOf(haPodAntiAffinity, compliantObjects()), []);
    });

    it("reports a Rocket.Chat Deployment without anti-affinity", async () => {
        const deployment = rocketChatDeployment();
        delete chatSpec(deployment).affinity;
        assertOneViolation(await messagesOf(haPodAntiAffinity, [deployment]),
            /Deployment chat\/rocketchat has no required pod anti-affinity/, /topologyKey kubernetes\.io\/hostname/);
    });

    it("reports preferred-only anti-affinity on the MongoDB StatefulSet", async () => {
        const sts = mongoStatefulSet();
        const term = sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
        sts.spec.template.spec.affinity.podAntiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] };
        assertOneViolation(await messagesOf(haPodAntiAffinity, [sts]), /StatefulSet chat\/rocketchat-mongodb has only preferred/, /podAntiAffinity=required/);
    });

    it("reports a selector that matches none of the pod's labels", async () => {
        const sts = mongoStatefulSet();
        sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector = { matchLabels: { "app.kubernetes.io/name": "mongo" } };
        assertOneViolation(await messagesOf(haPodAntiAffinity, [sts]), /labelSelector \{"matchLabels":\{"app.kubernetes.io\/name":"mongo"\}\} does not select the pod's own labels/);
    });

    it("reports a missing labelSelector, which selects nothing", async () => {
        const deployment = rocketChatDeployment();
        delete chatSpec(deployment).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector;
        assertOneViolation(await messagesOf(haPodAntiAffinity, [deployment]), /labelSelector null does not select/);
    });

    it("reports required anti-affinity on another topology key", async () => {
        const deployment = rocketChatDeployment();
        chatSpec(deployment).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey = "topology.kubernetes.io/zone";
        assertOneViolation(await messagesOf(haPodAntiAffinity, [deployment]), /only on topology key\(s\) topology\.kubernetes\.io\/zone/);
    });

    it("accepts matchExpressions that select the pod and ignores other workloads", async () => {
        const deployment = rocketChatDeployment();
        chatSpec(deployment).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector = {
            matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["rocketchat"] }],
        };
        const other = rocketChatDeployment();
        other.metadata.name = "worker";
        other.spec.template.metadata.labels = { "app.kubernetes.io/name": "worker" };
        delete chatSpec(other).affinity;
        assert.deepEqual(await messagesOf(haPodAntiAffinity, [deployment, other]), []);
    });
});

describe("policy pinned-images", () => {
    it("accepts exact tags and digests", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).image = `registry.example.org:5000/rocket.chat@sha256:${"a".repeat(64)}`;
        assert.deepEqual(await messagesOf(pinnedImages, [...compliantObjects(), deployment]), []);
    });

    it("reports an image without a tag, naming the container", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).image = "registry.rocket.chat/rocketchat/rocket.chat";
        assertOneViolation(await messagesOf(pinnedImages, [deployment]),
            /container rocketchat uses image 'registry\.rocket\.chat\/rocketchat\/rocket\.chat' without a tag/, /rocket\.chat:8\.5\.1/);
    });

    it("reports latest, and treats a registry port as no tag", async () => {
        const sts = mongoStatefulSet();
        sts.spec.template.spec.initContainers[0].image = "mongo:latest";
        firstContainer(sts).image = "registry.example.org:5000/mongo";
        const messages = await messagesOf(pinnedImages, [sts]);
        assert.equal(messages.length, 2);
        assert.match(messages[0], /init container install-keyfile uses image 'mongo:latest' tagged 'latest'/);
        assert.match(messages[1], /container mongod uses image 'registry\.example\.org:5000\/mongo' without a tag/);
    });

    it("reports floating major or major.minor tags (issue 17)", async () => {
        const sts = mongoStatefulSet();
        firstContainer(sts).image = "mongo:8.0";
        sts.spec.template.spec.initContainers[0].image = "mongo:8.0.29-noble";
        assertOneViolation(await messagesOf(pinnedImages, [sts]), /container mongod uses image 'mongo:8\.0' whose tag '8\.0' is not an exact major\.minor\.patch version/);
    });

    it("checks CronJob pods too", async () => {
        const cronJob = backupCronJob();
        firstContainer(cronJob).image = "mongo";
        assertOneViolation(await messagesOf(pinnedImages, [cronJob]), /CronJob chat\/rocketchat-backup, container backup uses image 'mongo' without a tag/);
    });
});

describe("policy mongodb-replica-set-members", () => {
    it("accepts three members", async () => {
        assert.deepEqual(await messagesOf(mongodbMembers, compliantObjects()), []);
    });

    it("reports an even member count", async () => {
        assertOneViolation(await messagesOf(mongodbMembers, [mongoStatefulSet(4)]), /runs 4 members; an even count/, /mongodbMembers to an odd number \(3 or 5\)/);
    });

    it("reports fewer members than minMembers, which policy config sets", async () => {
        assertOneViolation(await messagesOf(mongodbMembers, [mongoStatefulSet(1)]), /runs 1 member\(s\); this stack requires at least 3/);
        assert.deepEqual(await messagesOf(mongodbMembers, [mongoStatefulSet(1)], { minMembers: 1 }), []);
        assertOneViolation(await messagesOf(mongodbMembers, [mongoStatefulSet(3)], { minMembers: 5 }), /requires at least 5/, /mongodbMembers to 5 or more/);
    });

    it("reports a bootstrap script that adds an arbiter", async () => {
        const scripts = backupScripts();
        scripts.data["bootstrap.js"] = "rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'a' }, { _id: 1, host: 'b' }, { _id: 2, host: 'c', arbiterOnly: true }] });";
        assertOneViolation(await messagesOf(mongodbMembers, [scripts]), /ConfigMap chat\/rocketchat-backup-scripts adds a MongoDB arbiter/, /remove the arbiter/);
    });

    it("reports a container command that adds an arbiter", async () => {
        const sts = mongoStatefulSet();
        sts.spec.template.spec.initContainers[0].command = ["mongosh", "--eval", "rs.addArb('arbiter-0:27017')"];
        assertOneViolation(await messagesOf(mongodbMembers, [sts]), /StatefulSet chat\/rocketchat-mongodb adds a MongoDB arbiter/);
    });
});

describe("policy container-probes", () => {
    it("accepts the compliant workloads and exempts CronJobs and init containers", async () => {
        assert.deepEqual(await messagesOf(containerProbes, compliantObjects()), []);
    });

    it("reports a missing readiness probe", async () => {
        const sts = mongoStatefulSet();
        delete firstContainer(sts).readinessProbe;
        assertOneViolation(await messagesOf(containerProbes, [sts]), /container mongod has no readinessProbe\./, /hello\(\) primary-or-secondary/);
    });

    it("requires a startup probe on Rocket.Chat but not on other Deployments", async () => {
        const chat = rocketChatDeployment();
        delete firstContainer(chat).startupProbe;
        const other = rocketChatDeployment();
        other.metadata.name = "worker";
        other.spec.template.metadata.labels = { "app.kubernetes.io/name": "worker" };
        delete firstContainer(other).startupProbe;
        assertOneViolation(await messagesOf(containerProbes, [chat, other]), /Deployment chat\/rocketchat, container rocketchat has no startupProbe/);
    });
});

describe("policy container-resources", () => {
    it("accepts requests and limits on every container", async () => {
        assert.deepEqual(await messagesOf(containerResources, compliantObjects()), []);
    });

    it("reports what is missing on an init container", async () => {
        const sts = mongoStatefulSet();
        sts.spec.template.spec.initContainers[0].resources = { requests: { cpu: "10m" } };
        assertOneViolation(await messagesOf(containerResources, [sts]),
            /init container install-keyfile does not set resources requests\.memory, limits\.cpu, limits\.memory\./, /MemoryLimit/);
    });
});

describe("policy pod-security-restricted", () => {
    it("accepts pod-level runAsNonRoot and seccomp with container-level capabilities", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
        assert.deepEqual(await messagesOf(podSecurityRestricted, [...compliantObjects(), deployment]), []);
    });

    it("lists every missing field of a container in one message", async () => {
        const deployment = rocketChatDeployment();
        delete chatSpec(deployment).securityContext;
        firstContainer(deployment).securityContext = { capabilities: { drop: ["NET_RAW"] } };
        assertOneViolation(await messagesOf(podSecurityRestricted, [deployment]),
            /container rocketchat breaks the restricted profile: runAsNonRoot is not true; allowPrivilegeEscalation is not false; capabilities\.drop does not contain ALL; no seccompProfile RuntimeDefault\./,
            /restrictedContainerSecurity\(\)/);
    });

    it("lets a container override the pod's profile for the worse", async () => {
        const sts = mongoStatefulSet();
        firstContainer(sts).securityContext = { ...firstContainer(sts).securityContext, runAsUser: 0, seccompProfile: { type: "Unconfined" } };
        assertOneViolation(await messagesOf(podSecurityRestricted, [sts]), /runAsUser is 0 \(root\); seccompProfile is Unconfined/);
    });

    it("reports host namespaces", async () => {
        const deployment = rocketChatDeployment();
        chatSpec(deployment).hostNetwork = true;
        assertOneViolation(await messagesOf(podSecurityRestricted, [deployment]), /shares the node's namespaces \(hostNetwork\)/);
    });
});

describe("policy no-literal-secrets", () => {
    it("accepts secretKeyRef, names that only describe a secret, and scripts that read one", async () => {
        assert.deepEqual(await messagesOf(noLiteralSecrets, compliantObjects()), []);
    });

    it("reports a literal value for a name ending in PASS without repeating it", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).env.push({ name: "ADMIN_PASS", value: "hunter2hunter2" });
        const messages = await messagesOf(noLiteralSecrets, [deployment]);
        assertOneViolation(messages, /container rocketchat: env ADMIN_PASS has a literal value instead of valueFrom\.secretKeyRef/, /secretKeyRef/);
        assert.doesNotMatch(messages[0], /hunter2/);
    });

    it("reports the Keycloak client secret given literally, in either setting form", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).env.push({ name: "OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-secret", value: "s3cr3t-value" });
        assertOneViolation(await messagesOf(noLiteralSecrets, [deployment]), /env OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-secret has a literal value/);
    });

    it("reports a connection string with a literal password but not one built from references", async () => {
        const deployment = rocketChatDeployment();
        firstContainer(deployment).env.push(
            { name: "MONGO_URL", value: "mongodb://rocketchat:pa55word@mongo-0:27017/rocketchat" },
            { name: "MONGO_OPTIONS_URL", value: "mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@mongo-0:27017/rocketchat" },
        );
        assertOneViolation(await messagesOf(noLiteralSecrets, [deployment]), /env MONGO_URL holds a URL with a literal password/);
    });

    it("reports --password=value and --password value in args, but not --keyFile /path", async () => {
        const sts = mongoStatefulSet();
        firstContainer(sts).args.push("--password=hunter2", "--sslPEMKeyPassword", "hunter3");
        const messages = await messagesOf(noLiteralSecrets, [sts]);
        assert.equal(messages.length, 2, JSON.stringify(messages));
        assert.match(messages[0], /args contains argument --password with a literal value/);
        assert.match(messages[1], /args contains argument --sslPEMKeyPassword with a literal value/);
    });

    it("reports a shell assignment in a command and an env-style ConfigMap entry", async () => {
        const job = backupCronJob();
        firstContainer(job).command = ["sh", "-c", "export MONGODB_PASSWORD=hunter2 && bash /scripts/backup.sh"];
        const settings = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "chat" }, data: { DB_PASSWORD: "hunter2", DB_PASSWORD_FILE: "/run/secrets/db" } };
        const messages = await messagesOf(noLiteralSecrets, [job, settings]);
        assert.equal(messages.length, 2, JSON.stringify(messages));
        assert.match(messages[0], /container backup: command contains MONGODB_PASSWORD=<literal>/);
        assert.match(messages[1], /ConfigMap chat\/settings entry DB_PASSWORD contains key DB_PASSWORD/);
    });

    it("judges ConfigMap files by type: a literal in JavaScript or a properties file, not a variable read", async () => {
        const scripts = backupScripts();
        scripts.data["client.js"] = [
            "const clientSecret = \"abc123\";",
            "const password = process.env.MONGODB_PASSWORD;",
            // A lone `key` or `token` property is a lookup key, not a credential.
            "const lookups = [{ path: \"channels.list\", key: \"channels\" }, { token: \"IDENT\" }];",
        ].join("\n");
        scripts.data["app.properties"] = "# api.key: put the key here\nspring.datasource.password=hunter2\nspring.datasource.username=app";
        const messages = await messagesOf(noLiteralSecrets, [scripts]);
        assert.equal(messages.length, 2, JSON.stringify(messages));
        assert.match(messages[0], /entry client\.js contains clientSecret = "<literal>"/);
        assert.match(messages[1], /entry app\.properties contains spring\.datasource\.password: <literal>/);
    });
});

describe("policy mongodb-zone-spread", () => {
    const zoneSpec = (sts: Record<string, any>) => sts.spec.template.spec;

    it("accepts members spread over 3 zones with maxSkew 1 and DoNotSchedule selecting their own pods", async () => {
        assert.deepEqual(await messagesOf(mongodbZoneSpread, compliantObjects(), { zones: 3 }), []);
    });

    it("checks nothing when the stack has no zones", async () => {
        const sts = mongoStatefulSet();
        delete zoneSpec(sts).topologySpreadConstraints;
        assert.deepEqual(await messagesOf(mongodbZoneSpread, [sts], { zones: 0 }), []);
    });

    it("reports a StatefulSet without a zone constraint when the stack has zones", async () => {
        const sts = mongoStatefulSet();
        delete zoneSpec(sts).topologySpreadConstraints;
        assertOneViolation(await messagesOf(mongodbZoneSpread, [sts], { zones: 3 }),
            /StatefulSet chat\/rocketchat-mongodb has no topologySpreadConstraint on topology\.kubernetes\.io\/zone, so on 3 zones a majority of its members can land in one zone/,
            /rocketchat-ha:topologyZones/);
    });

    it("reports a soft (ScheduleAnyway) zone constraint and one that selects other pods", async () => {
        const soft = mongoStatefulSet();
        zoneSpec(soft).topologySpreadConstraints[0].whenUnsatisfiable = "ScheduleAnyway";
        assertOneViolation(await messagesOf(mongodbZoneSpread, [soft], { zones: 3 }), /is not maxSkew 1 with DoNotSchedule selecting its own pods/);
        const other = mongoStatefulSet();
        zoneSpec(other).topologySpreadConstraints[0].labelSelector = { matchLabels: { "app.kubernetes.io/name": "mongo" } };
        assertOneViolation(await messagesOf(mongodbZoneSpread, [other], { zones: 3 }), /is not maxSkew 1 with DoNotSchedule selecting its own pods/);
    });

    it("reports 2 zones, which cannot keep a majority through the loss of either", async () => {
        assertOneViolation(await messagesOf(mongodbZoneSpread, [mongoStatefulSet()], { zones: 2 }),
            /runs over 2 zone\(s\): one zone then holds 2 of 3 members, and losing it loses the majority \(2\)/, /third zone/);
    });

    it("reports a member count whose largest zone share is a majority", async () => {
        assertOneViolation(await messagesOf(mongodbZoneSpread, [mongoStatefulSet(1)], { zones: 3 }),
            /runs 1 member\(s\) over 3 zones: the largest zone holds 1, a majority is 1/);
    });

    it("leaves the Rocket.Chat Deployment to the anti-affinity rules (stateless: any pod serves)", async () => {
        const deployment = rocketChatDeployment();
        assert.deepEqual(await messagesOf(mongodbZoneSpread, [deployment], { zones: 3 }), []);
    });
});
