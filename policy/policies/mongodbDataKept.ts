/**
 * Deleting or scaling down the MongoDB StatefulSet must not delete the
 * members' data claims: persistentVolumeClaimRetentionPolicy whenDeleted and
 * whenScaled stay Retain (Kubernetes' default when the field is absent,
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention).
 * The program sets whenDeleted: Delete only under the named opt-in
 * deleteDataOnDestroy; this policy makes that opt-in a decision of the stack's
 * policy config too: mandatory (prod, test) refuses it, advisory (dev) warns.
 */
import { isMongoStatefulSet } from "../lib/haWorkloads";
import { violation } from "../lib/message";
import { ResourceValidationPolicy } from "../lib/policyTypes";
import { validateWorkloads, WorkloadCheck } from "../lib/workloads";

const checkRetention: WorkloadCheck = (workload, report) => {
    if (!isMongoStatefulSet(workload)) {
        return;
    }
    const policy = (workload.props.spec as { persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string } } | undefined)?.persistentVolumeClaimRetentionPolicy ?? {};
    for (const [field, when] of [["whenDeleted", "deleting the StatefulSet (pulumi destroy)"], ["whenScaled", "scaling it down"]] as const) {
        if ((policy[field] ?? "Retain") !== "Retain") {
            report(violation(
                `${workload.title} has persistentVolumeClaimRetentionPolicy.${field}: ${policy[field]}: ${when} deletes the members' data claims, and with them the database.`,
                field === "whenDeleted"
                    ? "unset rocketchat-ha:deleteDataOnDestroy, or, for a stack whose data may go, lower mongodb-data-kept to advisory in this stack's policy config."
                    : "set whenScaled: Retain; members removed from the set keep their volumes.",
            ));
        }
    }
};

export const mongodbDataKept: ResourceValidationPolicy = {
    name: "mongodb-data-kept",
    description: "The MongoDB StatefulSet keeps its members' data claims when it is deleted or scaled down (persistentVolumeClaimRetentionPolicy Retain); deleteDataOnDestroy is refused where this policy is mandatory.",
    validateResource: validateWorkloads(checkRetention),
};
