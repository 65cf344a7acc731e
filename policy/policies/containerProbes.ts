/**
 * Without a readiness probe a Service sends users to a Rocket.Chat that is
 * still migrating, or to a mongod that is neither primary nor secondary;
 * without a liveness probe a hung process is never restarted. The HA
 * workloads also need a startup probe: Rocket.Chat's first start and
 * migrations and MongoDB's journal recovery take minutes, and a liveness
 * probe alone would kill them mid-way. Jobs and CronJobs run to completion
 * and are exempt.
 */
import { haWorkloadOf } from "../lib/haWorkloads";
import { containersOf, describeContainer } from "../lib/kubernetes";
import { violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { containerPath, validateWorkloads } from "../lib/workloads";

type Probe = "livenessProbe" | "readinessProbe" | "startupProbe";

export const containerProbes: ResourceValidationPolicy = {
    name: "container-probes",
    description: "Long-running containers have liveness and readiness probes; Rocket.Chat and MongoDB containers also have a startup probe for their slow first start.",
    validateResource: validateWorkloads((workload, report) => {
        if (!workload.longRunning) {
            return;
        }
        const needsStartup = haWorkloadOf(workload) !== undefined;
        // Init containers with restartPolicy Always are sidecars and keep running.
        const running = containersOf(workload.template.spec).filter((entry) =>
            entry.role === "container" || (entry.role === "initContainer" && entry.container.restartPolicy === "Always"));
        for (const entry of running) {
            const wanted: Probe[] = ["livenessProbe", "readinessProbe", ...(needsStartup ? ["startupProbe" as const] : [])];
            const missing = wanted.filter((probe) => !entry.container[probe]);
            if (missing.length > 0) {
                report(violation(
                    `${workload.title}, ${describeContainer(entry)} has no ${missing.join(", ")}.`,
                    `set ${missing.join(", ")} on ${containerPath(workload, entry)}: Rocket.Chat /livez and /readyz (or /health), MongoDB db.adminCommand('ping') for liveness and hello() primary-or-secondary for readiness, and a startupProbe whose failureThreshold x periodSeconds covers the slowest start.`,
                ));
            }
        }
    }),
};
