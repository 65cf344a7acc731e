/**
 * Registers the upgrade guard's ConfigMap and Job (built by
 * upgradeGuardObjects.ts, which says what they do) as children of the
 * platform. Pulumi's business only: the Job waits for its ConfigMap and what its caller waits for (the
 * workloads wait for the Job, see platform.ts), and `pulumi up` waits up to
 * three hours for it (the pre-upgrade backup of a large database).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../k8s";
import { declareObject } from "../kubernetesObjects";
import { upgradeGuardConfigMapName, upgradeGuardJobName, upgradeGuardObjects, UpgradeGuardObjectArgs } from "./upgradeGuardObjects";

export type UpgradeGuardJobArgs = UpgradeGuardObjectArgs<pulumi.Output<string>>;

export function declareUpgradeGuardJob(args: UpgradeGuardJobArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
    const { configMap, job } = upgradeGuardObjects(args);
    const scripts = declareObject(upgradeGuardConfigMapName(args.instance), configMap, opts);
    // Stated, not only through the ConfigMap: what the guard's caller waits for (the namespace's identity check).
    const dependsOn = [...((opts.dependsOn ?? []) as pulumi.Resource[]), scripts];
    return declareObject(upgradeGuardJobName(args), job, { ...opts, dependsOn, customTimeouts: { create: "3h" } }) as k8s.batch.v1.Job;
}
