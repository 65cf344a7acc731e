/**
 * Requests let the scheduler place pods where they fit (and the autoscaler
 * compute utilisation); limits keep one runaway pod from starving its node,
 * which under one-pod-per-node placement would take a whole replica with it.
 * MongoDB also sizes its WiredTiger cache from the memory limit.
 */
import { containersOf, describeContainer } from "../lib/kubernetes";
import { violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { validateWorkloads } from "../lib/workloads";

const required = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

export const containerResources: ResourceValidationPolicy = {
    name: "container-resources",
    description: "Every container and init container sets CPU and memory requests and limits.",
    validateResource: validateWorkloads((workload, report) => {
        // Ephemeral (debug) containers may not set resources.
        const sized = containersOf(workload.template.spec).filter((entry) => entry.role !== "ephemeralContainer");
        for (const entry of sized) {
            const resources = entry.container.resources ?? {};
            const missing = required.filter((path) => {
                const [section, resource] = path.split(".");
                return resources[section]?.[resource] === undefined;
            });
            if (missing.length > 0) {
                report(violation(
                    `${workload.title}, ${describeContainer(entry)} does not set resources ${missing.join(", ")}.`,
                    "set resources.requests and resources.limits for cpu and memory (components/podShapes.ts resources(); the stack settings rocketchat-ha:*CpuRequest/*CpuLimit/*MemoryRequest/*MemoryLimit).",
                ));
            }
        }
    }),
};
