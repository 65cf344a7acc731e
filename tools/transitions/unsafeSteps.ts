/**
 * Which planned steps would take down what holds data or serves users: the
 * replica set and Rocket.Chat replaced or deleted, or a data-bearing object
 * (claim, Secret, generated value) replaced or deleted from the cluster (a
 * delete of a resource deployed with retainOnDelete leaves it in place).
 * One rule for the model's sweep and the engine's matrix.
 */
import type { PlannedStep } from "./plannedSteps";

/** What serves users or holds data: the replica set and Rocket.Chat (the exporter may go with monitoring). */
const servingWorkloads = new Set(["kubernetes:apps/v1:StatefulSet::rocketchat-mongodb", "kubernetes:apps/v1:Deployment::rocketchat"]);
/** Objects that hold data or open it: claims, Secrets, generated values. */
const dataBearing = /^(kubernetes:core\/v1:(PersistentVolumeClaim|Secret)|random:index\/)/;

const kindOf = (resource: string) => resource.split("::")[0];

/** `retained`: `type::name` of the resources deployed with retainOnDelete. */
export function unsafeSteps<S extends Pick<PlannedStep, "op" | "resource">>(steps: readonly S[], retained: ReadonlySet<string>): S[] {
    return steps.filter((s) => {
        const guarded = servingWorkloads.has(s.resource) || dataBearing.test(kindOf(s.resource));
        if (!guarded) {
            return false;
        }
        return s.op === "replace" || s.op === "delete-before-replace" || (s.op === "delete" && !retained.has(s.resource));
    });
}
