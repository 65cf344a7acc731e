/**
 * The finalize Job: bootstrap.js in MODE=finalize, which raises the replica
 * set's featureCompatibilityVersion to the series every member runs, one
 * series per command, and fails (never completes) while the members do not
 * all run it.
 *
 * Why a Job of its own: the FCV may only be raised once every member runs the
 * new binary (MongoDB's "Upgrade a Replica Set": replace every member's
 * binary, then setFeatureCompatibilityVersion). The bootstrap Job runs as
 * soon as its name changes, before a single member restarts, so it can never
 * see that moment. This Job depends on the StatefulSet, whose update
 * pulumi-kubernetes awaits until every pod runs the new template and is
 * ready; its name carries the image, so each new image runs it once after
 * that rollout.
 *
 * Pure: the users Secret's name enters as V.
 */
import { nameDigest } from "../nameDigest";
import { placementMetadata, placementSpec } from "../placement";
import { bootstrapScript, bootstrapScriptJob, rootCredentialEnv, ScriptJobArgs } from "./bootstrapJob";

export interface FeatureCompatibilityJobArgs<V> extends ScriptJobArgs<V> {
    readonly replicaSetName: string;
    /** Members by DNS name, host:port, in member order. */
    readonly hosts: string[];
    /** The Secret with the MongoDB users (root raises the FCV: setFeatureCompatibilityVersion needs clusterManager). */
    readonly usersSecretName: string | V;
}

/** The app.kubernetes.io/component of the finalize Job. */
export const featureCompatibilityComponent = "database-finalize";

export function featureCompatibilityJob<V>(args: FeatureCompatibilityJobArgs<V>) {
    // Everything the pod template is made of (a Job's template is immutable: a change under the same
    // name would be a delete-before-replace), above all the image, so each new image runs it once.
    const digest = nameDigest({
        image: args.image, script: bootstrapScript(), rs: args.replicaSetName, hosts: args.hosts, uid: args.uid ?? null,
        // As the pod gets it: no placement and an empty one are the same pod.
        placement: [placementSpec(args.placement), placementMetadata(args.placement, {})],
    });
    return bootstrapScriptJob(args, {
        name: `${args.statefulSetName}-finalize-${digest}`,
        component: featureCompatibilityComponent,
        // Each try waits up to WAIT_ATTEMPTS x 2 s for the members before failing.
        backoffLimit: 2,
        env: [
            { name: "MODE", value: "finalize" },
            { name: "REPLICA_SET_NAME", value: args.replicaSetName },
            { name: "MEMBER_HOSTS", value: JSON.stringify(args.hosts) },
            ...rootCredentialEnv(args.usersSecretName),
        ],
    });
}
