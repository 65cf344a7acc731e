/**
 * Every violation says what is wrong and how to fix it, in that order, so a
 * reader of `pulumi preview` output never has to open the policy source.
 * A fix names the stack setting (`rocketchat-ha:<setting>`) or the object
 * field to change, never a file of this repository: files move, settings
 * and Kubernetes fields are what a platform engineer edits.
 */
import { WithMetadata } from "./kubernetes";

export function violation(problem: string, fix: string): string {
    return `${problem} Fix: ${fix}`;
}

/** "Deployment rocketchat-prod/rocketchat" style name for messages. */
export function describeObject(kind: string, props: WithMetadata): string {
    const name = props.metadata?.name ?? "(unnamed)";
    const namespace = props.metadata?.namespace;
    return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

