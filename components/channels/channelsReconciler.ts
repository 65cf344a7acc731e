/**
 * Channels as configuration: the thin component that registers the
 * reconciler's ConfigMap and Job (built by channelsObjects.ts) and adds what
 * is Pulumi's business: the Job waits for the ConfigMap and for whatever it is
 * told to start after (Rocket.Chat), and `pulumi up` waits for the Job.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../k8s";
import { childOf } from "../childOptions";
import { componentTypes, withFormerTypes } from "../componentTypes";
import { declareObject } from "../kubernetesObjects";
import { channelsConfigMapName, channelsJobName, channelsReconcilerObjects, ChannelsReconcilerObjectArgs } from "./channelsObjects";

export interface ChannelsReconcilerArgs extends ChannelsReconcilerObjectArgs<pulumi.Output<string>> {
    /** Resources the Job starts after, e.g. the Rocket.Chat component. Defaults to none. */
    readonly after?: pulumi.Resource[];
}

export class ChannelsReconciler extends pulumi.ComponentResource {
    /** Name of the reconcile Job (changes with the declared list). */
    public readonly jobName: string;
    /** The Job: it completes once the channels and, in an admin rotation, the admin password are in place. */
    public readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: ChannelsReconcilerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.ChannelsReconciler.token, name, {}, withFormerTypes("ChannelsReconciler", opts));
        const { configMap, job } = channelsReconcilerObjects(name, args);
        const declaredConfigMap = declareObject(channelsConfigMapName(name), configMap, childOf(this, opts));
        this.jobName = channelsJobName(name, args);
        this.job = declareObject(this.jobName, job, {
            ...childOf(this, opts, [declaredConfigMap, ...(args.after ?? [])]),
            // `pulumi up` waits for the Job; the script itself may wait 15 minutes for Rocket.Chat.
            customTimeouts: { create: "40m" },
        }) as k8s.batch.v1.Job;
        this.registerOutputs({ jobName: this.jobName });
    }
}
