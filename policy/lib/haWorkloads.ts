/**
 * The two workloads the HA design is about, recognised by the recommended
 * label `app.kubernetes.io/name` on their pod template (components/labels.ts
 * sets it): the Rocket.Chat Deployment and the MongoDB StatefulSet.
 */
import { podTemplateOf } from "./kubernetes";
import { KubeObject } from "./policyTypes";

export const nameLabel = "app.kubernetes.io/name";
export const componentLabel = "app.kubernetes.io/component";

export type HaWorkload = "rocketchat" | "mongodb";

/** The kind each HA workload must be deployed as. */
const expectedKind: Record<HaWorkload, string> = { rocketchat: "Deployment", mongodb: "StatefulSet" };

/** Which HA workload this object is, if any. */
export function haWorkloadOf(kind: string | undefined, props: KubeObject): HaWorkload | undefined {
    const labels = podTemplateOf(kind, props)?.labels ?? {};
    const name = labels[nameLabel] ?? props.metadata?.labels?.[nameLabel];
    return (Object.keys(expectedKind) as HaWorkload[]).find((workload) => workload === name && expectedKind[workload] === kind);
}

export function isMongoStatefulSet(kind: string | undefined, props: KubeObject): boolean {
    return haWorkloadOf(kind, props) === "mongodb";
}

export function isRocketChatDeployment(kind: string | undefined, props: KubeObject): boolean {
    return haWorkloadOf(kind, props) === "rocketchat";
}
