/**
 * A MongoDB replica set: the component that registers what
 * replicaSetObjects.ts builds (Services, StatefulSet, PodDisruptionBudget,
 * NetworkPolicy, connection Secret, bootstrap ConfigMap and Job), adding only
 * Pulumi's business: parents, dependsOn and the connection string as a secret.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf, combineDependencies } from "../childOptions";
import { Credentials } from "../credentials";
import { declareObject, declarePatch, KubernetesObject } from "../kubernetesObjects";
import { mongoClientLabels, replicaSetObjectNames } from "./names";
import { CredentialPlan } from "../credentialPlan";

/** How long a keyfile rolling restart may take: up to 7 members, each a step-down, a restart and a catch-up. */
export const keyfileRollTimeout = "30m";
import { mongoConnectionUri, MongoReplicaSetSettings, replicaSetHostsOf, replicaSetObjects, resolveReplicaSetSettings } from "./replicaSetObjects";

export { mongoImageUid, mongoPort, replicaSetHosts, replicaSetObjectNames } from "./names";

export interface MongoReplicaSetArgs extends MongoReplicaSetSettings {
    /** Generated users and keyfile. */
    readonly credentials: Credentials;
    /** Which generation of each credential this run declares (credentialPlan.ts). Defaults to every credential at 0. */
    readonly credentialPlan?: CredentialPlan;
    /** What must complete before the StatefulSet is created or changed (the upgrade guard Job). Defaults to none. */
    readonly startAfter?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

export class MongoReplicaSet extends pulumi.ComponentResource {
    /** Host names (host:port) of the members, in member order. */
    public readonly hosts: string[];
    /** Secret with key `mongo-url`: the application's replica-set connection string. */
    public readonly connectionSecretName: pulumi.Output<string>;
    /** The application's connection string (a secret): what the connection Secret holds, for the readers' rollout digests. */
    public readonly connectionUri: pulumi.Output<string>;
    /** Labels a pod needs so the NetworkPolicy lets it reach the members. */
    public readonly clientLabels: Record<string, string>;
    /** The StatefulSet: its rollout is complete once pulumi up has waited for it. */
    public readonly statefulSet: k8s.apps.v1.StatefulSet;
    /** The bootstrap Job: depend on it before using the database. */
    public readonly bootstrap: k8s.batch.v1.Job;
    /** Each member's claim patch (mongodbStorageSize): done once the apiserver accepted every size. */
    public readonly claimPatches: pulumi.CustomResource[];
    /** The finalize Job: completes once the featureCompatibilityVersion is the series every member runs. */
    public readonly finalize: k8s.batch.v1.Job;
    public readonly statefulSetName: string;
    public readonly replicaSetName: string;

    constructor(name: string, args: MongoReplicaSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.MongoReplicaSet.token, name, {}, withFormerTypes("MongoReplicaSet", opts));
        const child = childOf(this, opts);
        const { credentials: creds, startAfter, credentialPlan, ...settings } = args;

        this.statefulSetName = replicaSetObjectNames(name).statefulSet;
        this.replicaSetName = resolveReplicaSetSettings(settings).replicaSetName;
        this.hosts = replicaSetHostsOf(name, settings);
        this.clientLabels = mongoClientLabels(name);

        this.connectionUri = pulumi.secret(creds.app.password.apply((password) => mongoConnectionUri(name, settings, password, creds.app.username)));
        const objects = replicaSetObjects<pulumi.Output<string>>(name, {
            ...settings,
            usersSecretName: creds.mongoUsersSecretName,
            keyfileSecretName: creds.keyfileSecretName,
            connectionUri: this.connectionUri,
            credentialPlan,
        });
        const declare = (object: KubernetesObject & { metadata: { name: string } }, resourceOpts: pulumi.CustomResourceOptions = child) =>
            declareObject(object.metadata.name, object, resourceOpts);

        declare(objects.headlessService);
        declare(objects.clientService);
        // Children do not inherit the component's dependsOn: the StatefulSet names what it waits for.
        // A keyfile change rolls every member (preStop, restart, catch-up each): more than the provider's 10 minutes on a large set.
        const rollTimeout = credentialPlan?.keyfileChanges ? { customTimeouts: { create: keyfileRollTimeout, update: keyfileRollTimeout } } : {};
        // The claim template keeps the size the set was created with: it is replace-only, and the
        // claims grow through their patches below instead (memberVolumes.ts).
        this.statefulSet = declare(objects.statefulSet, { ...childOf(this, opts, startAfter), ...rollTimeout, ignoreChanges: ["spec.volumeClaimTemplates"] }) as k8s.apps.v1.StatefulSet;
        // After the StatefulSet: its controller creates the claims the patches apply to. Retained on delete:
        // the provider's delete of a patch re-applies it empty (ssa.Relinquish), which would drop the size
        // field we own after a growth and fail on a bound claim; a member's claim keeps its size anyway.
        this.claimPatches = objects.claimPatches.map((patch) => declarePatch(patch.metadata!.name!, patch,
            { ...child, dependsOn: combineDependencies(child.dependsOn, [this.statefulSet]), retainOnDelete: true }));
        declare(objects.disruptionBudget);
        declare(objects.networkPolicy);
        const scripts = declare(objects.bootstrap.configMap);
        // After the upgrade guard: one owner of membership reconfigs at a time (the guard removes departing members first).
        this.bootstrap = declare(objects.bootstrap.job, { ...child, dependsOn: combineDependencies(child.dependsOn, startAfter, [scripts]) }) as k8s.batch.v1.Job;
        // Only once every member runs this image (the provider awaits the StatefulSet's rollout) and the bootstrap completed.
        this.finalize = declare(objects.finalize, { ...child, dependsOn: combineDependencies(child.dependsOn, [scripts, this.statefulSet, this.bootstrap]) }) as k8s.batch.v1.Job;
        // Rocket.Chat's connection string names the app user's generation: it changes
        // only once the bootstrap has created that user (credentialPlan.ts).
        this.connectionSecretName = (declare(objects.connectionSecret, { ...child, dependsOn: combineDependencies(child.dependsOn, [this.bootstrap]) }) as k8s.core.v1.Secret).metadata.name;

        this.registerOutputs({ hosts: this.hosts, connectionSecretName: this.connectionSecretName });
    }
}
