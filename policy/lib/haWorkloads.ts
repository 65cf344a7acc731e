/**
 * The two workloads the HA design is about, recognised by the recommended
 * label `app.kubernetes.io/name` on their pod template (or the object): the
 * Rocket.Chat Deployment and the MongoDB StatefulSet.
 */
import { Workload } from "./workloads";

export const nameLabel = "app.kubernetes.io/name";
export const componentLabel = "app.kubernetes.io/component";

export type HaWorkload = "rocketchat" | "mongodb";

/** The kind each HA workload must be deployed as. */
const expectedKind: Record<HaWorkload, string> = { rocketchat: "Deployment", mongodb: "StatefulSet" };

/** Which HA workload this is, if any. */
export function haWorkloadOf(workload: Pick<Workload, "kind" | "props" | "template">): HaWorkload | undefined {
    const name = workload.template.labels[nameLabel] ?? workload.props.metadata?.labels?.[nameLabel];
    return (Object.keys(expectedKind) as HaWorkload[]).find((candidate) => candidate === name && expectedKind[candidate] === workload.kind);
}

export function isMongoStatefulSet(workload: Pick<Workload, "kind" | "props" | "template">): boolean {
    return haWorkloadOf(workload) === "mongodb";
}

export function isRocketChatDeployment(workload: Pick<Workload, "kind" | "props" | "template">): boolean {
    return haWorkloadOf(workload) === "rocketchat";
}
