// Stack policies on synthetic stacks: they relate several objects (a
// Deployment to its claim, an autoscaler to its target, workloads to their
// budgets and NetworkPolicies), so each case edits one object of a stack.
import { strict as assert } from "assert";
import { disruptionBudgets } from "../policy/policies/disruptionBudgets";
import { mongodbBackupScheduled } from "../policy/policies/mongodbBackupScheduled";
import { mongodbNetworkPolicy } from "../policy/policies/mongodbNetworkPolicy";
import { replicasWithinNodes } from "../policy/policies/replicasWithinNodes";
import { uploadsReadWriteMany } from "../policy/policies/uploadsReadWriteMany";
import {
    autoscaler,
    chatSelector,
    compliantObjects,
    disruptionBudget,
    messagesOf,
    mongoSelector,
    rocketChatDeployment,
    runPolicy,
    uploadsClaim,
} from "../policy/testing/fixtures";

/** The compliant stack with the objects of the given kind and name replaced (or removed with null). */
function stackWith(replacements: Record<string, Record<string, any> | null>): Record<string, any>[] {
    const key = (object: Record<string, any>) => `${object.kind}/${object.metadata.name}`;
    const objects = compliantObjects().map((object) => (key(object) in replacements ? replacements[key(object)] : object));
    return objects.filter((object): object is Record<string, any> => object !== null);
}

function assertOneViolation(messages: string[], ...patterns: RegExp[]): void {
    assert.equal(messages.length, 1, `expected one violation, got: ${JSON.stringify(messages, null, 2)}`);
    patterns.forEach((pattern) => assert.match(messages[0], pattern));
    assert.match(messages[0], / Fix: \S/);
}

describe("policy uploads-read-write-many", () => {
    it("accepts a ReadWriteMany uploads claim shared by three replicas", async () => {
        assert.deepEqual(await messagesOf(uploadsReadWriteMany, compliantObjects()), []);
    });

    it("reports a ReadWriteOnce uploads claim, found through the Deployment's volume, on the claim", async () => {
        const violations = await runPolicy(uploadsReadWriteMany, stackWith({ "PersistentVolumeClaim/rocketchat-uploads": uploadsClaim(["ReadWriteOnce"]) }));
        assertOneViolation(violations.map((v) => v.message),
            /Deployment chat\/rocketchat runs up to 3 pods that mount claim rocketchat-uploads at \/app\/uploads, but its accessModes are \[ReadWriteOnce\]/,
            /uploadsAccessMode=ReadWriteMany/);
        assert.match(violations[0].resource ?? "", /PersistentVolumeClaim::rocketchat-uploads$/);
    });

    it("counts the autoscaler's maximum: one replica that may scale to three still needs ReadWriteMany", async () => {
        const messages = await messagesOf(uploadsReadWriteMany, stackWith({
            "Deployment/rocketchat": rocketChatDeployment(1),
            "PersistentVolumeClaim/rocketchat-uploads": uploadsClaim(["ReadWriteOnce"]),
        }));
        assertOneViolation(messages, /runs up to 3 pods/);
    });

    it("accepts ReadWriteOnce for a single replica without an autoscaler", async () => {
        const messages = await messagesOf(uploadsReadWriteMany, stackWith({
            "Deployment/rocketchat": rocketChatDeployment(1),
            "HorizontalPodAutoscaler/rocketchat": null,
            "PersistentVolumeClaim/rocketchat-uploads": uploadsClaim(["ReadWriteOnce"]),
        }));
        assert.deepEqual(messages, []);
    });

    it("reports a claim the stack does not declare", async () => {
        assertOneViolation(await messagesOf(uploadsReadWriteMany, stackWith({ "PersistentVolumeClaim/rocketchat-uploads": null })),
            /claim rocketchat-uploads, which this stack does not declare/);
    });

    it("reports FileSystem uploads with no shared claim at the uploads path", async () => {
        const deployment = rocketChatDeployment();
        const spec = deployment.spec.template.spec;
        spec.volumes = [{ name: "uploads", emptyDir: {} }];
        assertOneViolation(await messagesOf(uploadsReadWriteMany, stackWith({ "Deployment/rocketchat": deployment })),
            /stores uploads on the FileSystem at \/app\/uploads with up to 3 pods, but no shared claim is mounted there/);
    });

    it("accepts GridFS storage without a volume", async () => {
        const deployment = rocketChatDeployment();
        const container = deployment.spec.template.spec.containers[0];
        container.env = container.env.map((e: any) => (e.name === "OVERWRITE_SETTING_FileUpload_Storage_Type" ? { ...e, value: "GridFS" } : e));
        container.volumeMounts = [];
        deployment.spec.template.spec.volumes = [];
        assert.deepEqual(await messagesOf(uploadsReadWriteMany, stackWith({ "Deployment/rocketchat": deployment, "PersistentVolumeClaim/rocketchat-uploads": null })), []);
    });
});

describe("policy replicas-within-schedulable-nodes", () => {
    it("accepts an autoscaler maximum equal to the node count", async () => {
        assert.deepEqual(await messagesOf(replicasWithinNodes, compliantObjects(), { schedulableNodes: 3 }), []);
    });

    it("reports maxReplicas 10 on 3 nodes under required anti-affinity, on the autoscaler", async () => {
        const violations = await runPolicy(replicasWithinNodes, stackWith({ "HorizontalPodAutoscaler/rocketchat": autoscaler(10) }), { schedulableNodes: 3 });
        assertOneViolation(violations.map((v) => v.message),
            /HorizontalPodAutoscaler chat\/rocketchat may scale Deployment chat\/rocketchat to 10 pods, but required one-per-node anti-affinity fits only 3/,
            /autoscalingMaxReplicas to at most 3/);
        assert.match(violations[0].resource ?? "", /HorizontalPodAutoscaler::rocketchat$/);
    });

    it("reports fixed replicas above the node count, reading the count from policy config", async () => {
        const messages = await messagesOf(replicasWithinNodes, compliantObjects(), { schedulableNodes: 2 });
        assert.equal(messages.length, 3, JSON.stringify(messages));
        assert.match(messages.join("\n"), /StatefulSet chat\/rocketchat-mongodb asks for 3 replicas with required one-per-node anti-affinity, but only 2 nodes/);
    });

    it("ignores workloads with only preferred anti-affinity", async () => {
        const deployment = rocketChatDeployment();
        delete deployment.spec.template.spec.affinity;
        assert.deepEqual(await messagesOf(replicasWithinNodes, stackWith({ "Deployment/rocketchat": deployment, "HorizontalPodAutoscaler/rocketchat": autoscaler(10) }), { schedulableNodes: 3 }), []);
    });
});

describe("policy pod-disruption-budgets", () => {
    it("accepts maxUnavailable 1 for Rocket.Chat and MongoDB", async () => {
        assert.deepEqual(await messagesOf(disruptionBudgets, compliantObjects()), []);
    });

    it("reports a multi-replica workload without a budget", async () => {
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat": null })),
            /Deployment chat\/rocketchat runs up to 3 pods but no PodDisruptionBudget selects them/);
    });

    it("reports a budget whose selector matches nothing as missing", async () => {
        const stale = disruptionBudget("rocketchat", { "app.kubernetes.io/name": "rocket-chat" });
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat": stale })), /no PodDisruptionBudget selects them/);
    });

    it("reports minAvailable equal to the replicas, which blocks every drain", async () => {
        const blocking = disruptionBudget("rocketchat", chatSelector, { minAvailable: 3 });
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat": blocking })),
            /PodDisruptionBudget chat\/rocketchat allows no voluntary eviction of Deployment chat\/rocketchat's 3 pods/);
    });

    it("reports a MongoDB budget that allows losing the majority, with percentages rounded up", async () => {
        const loose = disruptionBudget("rocketchat-mongodb", mongoSelector, { maxUnavailable: "50%" });
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat-mongodb": loose })),
            /lets 2 of 3 MongoDB members be evicted at once, leaving 1: fewer than the majority of 2/, /maxUnavailable: 1 \(keeps 2 of 3 members, a majority\)/);
    });

    it("accepts minAvailable 2 of 3 for MongoDB and reports both fields set", async () => {
        const exact = disruptionBudget("rocketchat-mongodb", mongoSelector, { minAvailable: 2 });
        assert.deepEqual(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat-mongodb": exact })), []);
        const both = disruptionBudget("rocketchat-mongodb", mongoSelector, { minAvailable: 2, maxUnavailable: 1 });
        assertOneViolation(await messagesOf(disruptionBudgets, stackWith({ "PodDisruptionBudget/rocketchat-mongodb": both })), /sets both minAvailable and maxUnavailable/);
    });

    it("reports two budgets selecting the same pods", async () => {
        const objects = [...compliantObjects(), disruptionBudget("rocketchat-extra", chatSelector)];
        assertOneViolation(await messagesOf(disruptionBudgets, objects), /is selected by 2 PodDisruptionBudgets \(rocketchat, rocketchat-extra\)/);
    });
});

describe("policy mongodb-backup-scheduled", () => {
    it("accepts a backup CronJob in MongoDB's namespace", async () => {
        assert.deepEqual(await messagesOf(mongodbBackupScheduled, compliantObjects()), []);
    });

    it("reports a stack without one", async () => {
        assertOneViolation(await messagesOf(mongodbBackupScheduled, stackWith({ "CronJob/rocketchat-backup": null })),
            /StatefulSet chat\/rocketchat-mongodb has no backup CronJob \(label app\.kubernetes\.io\/component=backup\)/, /backupEnabled=true/);
    });

    it("reports a suspended backup", async () => {
        const objects = compliantObjects();
        const cronJob = objects.find((object) => object.kind === "CronJob")!;
        cronJob.spec.suspend = true;
        assertOneViolation(await messagesOf(mongodbBackupScheduled, objects), /backup CronJob rocketchat-backup is suspended/);
    });
});

describe("policy mongodb-network-policy", () => {
    it("accepts a policy admitting only members and clients", async () => {
        assert.deepEqual(await messagesOf(mongodbNetworkPolicy, compliantObjects()), []);
    });

    it("reports MongoDB without a NetworkPolicy", async () => {
        assertOneViolation(await messagesOf(mongodbNetworkPolicy, stackWith({ "NetworkPolicy/rocketchat-mongodb": null })),
            /StatefulSet chat\/rocketchat-mongodb is not selected by any NetworkPolicy that restricts ingress/, /policyTypes \[Ingress\]/);
    });

    it("reports an ingress rule that admits everyone", async () => {
        const objects = compliantObjects();
        const policy = objects.find((object) => object.kind === "NetworkPolicy")!;
        policy.spec.ingress.push({ ports: [{ port: 27017 }] });
        assertOneViolation(await messagesOf(mongodbNetworkPolicy, objects), /has an ingress rule that admits every source/);
    });

    it("does not count an egress-only policy as protection", async () => {
        const objects = compliantObjects();
        objects.find((object) => object.kind === "NetworkPolicy")!.spec.policyTypes = ["Egress"];
        assertOneViolation(await messagesOf(mongodbNetworkPolicy, objects), /is not selected by any NetworkPolicy that restricts ingress/);
    });
});
