/**
 * Requests let the scheduler place pods where they fit (and the autoscaler
 * compute utilisation); limits keep one runaway pod from starving its node,
 * which under one-pod-per-node placement would take a whole replica with it.
 * MongoDB also sizes its WiredTiger cache from the memory limit.
 */
import { componentLabel, haWorkloadOf } from "../lib/haWorkloads";
import { containersOf, describeContainer } from "../lib/kubernetes";
import { violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { containerPath, validateWorkloads, Workload } from "../lib/workloads";

/** Each required field, with the suffix of the stack setting that sizes it. */
const required = [
    { section: "requests", resource: "cpu", setting: "CpuRequest" },
    { section: "requests", resource: "memory", setting: "MemoryRequest" },
    { section: "limits", resource: "cpu", setting: "CpuLimit" },
    { section: "limits", resource: "memory", setting: "MemoryLimit" },
] as const;

/**
 * The prefix of the settings that size this workload's containers
 * (rocketchat-ha:<prefix>CpuRequest...), if the program has them: Rocket.Chat,
 * MongoDB, and the backup, verification and restore pods (component backup,
 * backup-verify, backup-uploads...).
 */
function sizingSettingsPrefix(workload: Workload): string | undefined {
    const component = workload.template.labels[componentLabel] ?? "";
    return haWorkloadOf(workload) ?? (/^backup(-|$)/.test(component) ? "backup" : undefined);
}

export const containerResources: ResourceValidationPolicy = {
    name: "container-resources",
    description: "Every container and init container sets CPU and memory requests and limits.",
    validateResource: validateWorkloads((workload, report) => {
        // Ephemeral (debug) containers may not set resources.
        const sized = containersOf(workload.template.spec).filter((entry) => entry.role !== "ephemeralContainer");
        const prefix = sizingSettingsPrefix(workload);
        for (const entry of sized) {
            const resources = entry.container.resources;
            const missing = required.filter(({ section, resource }) => resources?.[section]?.[resource] === undefined);
            if (missing.length > 0) {
                const settings = prefix ? `; the stack settings ${missing.map((field) => `rocketchat-ha:${prefix}${field.setting}`).join(", ")} size this workload` : "";
                report(violation(
                    `${workload.title}, ${describeContainer(entry)} does not set resources ${missing.map((field) => `${field.section}.${field.resource}`).join(", ")}.`,
                    `set ${containerPath(workload, entry)}.resources.requests and .limits for cpu and memory${settings}.`,
                ));
            }
        }
    }),
};
