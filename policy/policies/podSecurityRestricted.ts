/**
 * The Pod Security Standards "restricted" profile, which the namespace
 * enforces (pod-security.kubernetes.io/enforce=restricted): a pod that
 * misses a field is rejected at admission, long after `pulumi preview`
 * said all was well. Checked per container, with the pod-level
 * securityContext as the fallback where Kubernetes allows one.
 */
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Unwrap } from "@pulumi/pulumi";
import { Container, containersOf, describeContainer } from "../lib/kubernetes";
import { violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { containerPath, validateWorkloads } from "../lib/workloads";

type PodSecurityContext = Unwrap<k8s.core.v1.PodSecurityContext>;

const allowedSeccomp = ["RuntimeDefault", "Localhost"];
/** The only capability the restricted profile lets a container add. */
const addableCapabilities = ["NET_BIND_SERVICE"];

/** Fields of one container that break the profile, as short phrases. */
function containerGaps(container: Container, pod: PodSecurityContext): string[] {
    const own = container.securityContext ?? {};
    const gaps: string[] = [];
    if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
        gaps.push("runAsNonRoot is not true");
    }
    if ((own.runAsUser ?? pod.runAsUser) === 0) {
        gaps.push("runAsUser is 0 (root)");
    }
    if (own.allowPrivilegeEscalation !== false) {
        gaps.push("allowPrivilegeEscalation is not false");
    }
    if (own.privileged === true) {
        gaps.push("privileged is true");
    }
    const drop = own.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) {
        gaps.push("capabilities.drop does not contain ALL");
    }
    const added = (own.capabilities?.add ?? []).filter((capability) => !addableCapabilities.includes(capability));
    if (added.length > 0) {
        gaps.push(`capabilities.add has ${added.join(", ")}`);
    }
    const seccomp = own.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp === undefined || !allowedSeccomp.includes(seccomp)) {
        gaps.push(seccomp ? `seccompProfile is ${seccomp}` : "no seccompProfile RuntimeDefault");
    }
    return gaps;
}

export const podSecurityRestricted: ResourceValidationPolicy = {
    name: "pod-security-restricted",
    description: "Pods meet the Pod Security Standards 'restricted' profile: runAsNonRoot, allowPrivilegeEscalation false, capabilities drop ALL and seccompProfile RuntimeDefault (pod or container level), no host namespaces.",
    validateResource: validateWorkloads((workload, report) => {
        const podSpec = workload.template.spec;
        const hostNamespaces = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((field) => podSpec[field] === true);
        if (hostNamespaces.length > 0) {
            report(violation(
                `${workload.title} shares the node's namespaces (${hostNamespaces.join(", ")}).`,
                `remove ${hostNamespaces.map((field) => `${workload.podSpecPath}.${field}`).join(", ")}; nothing in this platform needs them.`,
            ));
        }
        for (const entry of containersOf(podSpec)) {
            const gaps = containerGaps(entry.container, podSpec.securityContext ?? {});
            if (gaps.length > 0) {
                report(violation(
                    `${workload.title}, ${describeContainer(entry)} breaks the restricted profile: ${gaps.join("; ")}.`,
                    `set ${containerPath(workload, entry)}.securityContext to runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault (runAsNonRoot and seccompProfile may sit in ${workload.podSpecPath}.securityContext instead).`,
                ));
            }
        }
    }),
};
