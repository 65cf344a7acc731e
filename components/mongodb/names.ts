/**
 * What other parts of the platform need to know about an instance's replica
 * set (object names, member hosts, the client label), as pure functions of
 * the instance name: no component instance is needed to know them.
 */
import { selectorLabels, WorkloadIdentity } from "../labels";
import { memberHosts } from "./sizing";

export const mongoPort = 27017;
/** The UID and GID of the `mongodb` user in the official image. */
export const mongoImageUid = 999;

/** The identity (app.kubernetes.io/* labels) of an instance's MongoDB members. */
export function mongoIdentity(name: string): WorkloadIdentity {
    return { instance: name, name: "mongodb", component: "database" };
}

/** Labels that select an instance's members (Services, PDB, NetworkPolicy, anti-affinity). */
export function mongoSelectorLabels(name: string): Record<string, string> {
    return selectorLabels(mongoIdentity(name));
}

/** Names of the StatefulSet and its headless Service for an instance. */
export function replicaSetObjectNames(name: string): { statefulSet: string; headless: string } {
    const statefulSet = `${name}-mongodb`;
    return { statefulSet, headless: `${statefulSet}-headless` };
}

/** The StatefulSet (and client Service, PDB, NetworkPolicy) name of an instance. */
export function mongoStatefulSetName(name: string): string {
    return replicaSetObjectNames(name).statefulSet;
}

/** Secret with key `mongo-url`: the application's replica-set connection string. */
export function mongoConnectionSecretName(name: string): string {
    return `${mongoStatefulSetName(name)}-connection`;
}

/** The key of the connection Secret that holds the URI. */
export const mongoConnectionSecretKey = "mongo-url";

/** Labels a pod needs so the replica set's NetworkPolicy lets it reach the members. */
export function mongoClientLabels(name: string): Record<string, string> {
    return { "rocketchat-ha.io/mongodb-client": name };
}

/** Member host names (host:port) the instance's members get, in member order. */
export function replicaSetHosts(name: string, namespace: string, clusterDomain: string, members: number): string[] {
    const names = replicaSetObjectNames(name);
    return memberHosts(names.statefulSet, names.headless, namespace, clusterDomain, members);
}
