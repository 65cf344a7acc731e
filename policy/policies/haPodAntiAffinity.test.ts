// Policy ha-pod-anti-affinity (haPodAntiAffinity.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation, chatSpec } from "../testing/assertions";
import { compliantObjects, messagesOf, mongoStatefulSet, rocketChatDeployment } from "../testing/fixtures";
import { haPodAntiAffinity } from "./haPodAntiAffinity";

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
