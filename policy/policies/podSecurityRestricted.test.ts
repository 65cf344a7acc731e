// Policy pod-security-restricted (podSecurityRestricted.ts) on synthetic objects: each passes the compliant shape and reports a message with a fix when one thing is broken.
import { strict as assert } from "assert";
import { assertOneViolation, chatSpec, firstContainer } from "../testing/assertions";
import { compliantObjects, messagesOf, mongoStatefulSet, rocketChatDeployment } from "../testing/fixtures";
import { podSecurityRestricted } from "./podSecurityRestricted";

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
            /Fix: set spec\.template\.spec\.containers\[name=rocketchat\]\.securityContext to runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities\.drop: \[ALL\], seccompProfile\.type: RuntimeDefault/);
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
