/**
 * Rocket.Chat as a component: registers what rocketchatObjects.ts builds and
 * adds only Pulumi's business: the config checksum over the environment and
 * the Secret values (Outputs), the order (the Deployment after the bootstrap
 * and the upgrade guard; the autoscaler and the Ingress or Route after what
 * they point at), and keeping the uploads claim on destroy.
 */
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";
import { componentTypes, withFormerTypes } from "../componentTypes";
import { declareObject, KubernetesObject } from "../kubernetesObjects";
import { configChecksum, rocketchatContainerEnv, rocketchatObjects, RocketChatObjectsArgs, rocketchatRefs } from "./rocketchatObjects";

export { healthEndpoints, rocketchatImageUid } from "./rocketchatObjects";

export interface RocketChatArgs extends RocketChatObjectsArgs<pulumi.Input<string>> {
    /** Secret values whose change must roll the pods (hashed, never stored). */
    readonly rolloutSecrets: pulumi.Input<string>[];
    /**
     * What must have completed before the Deployment is created or changed:
     * the replica-set bootstrap (users exist) and the upgrade guard. Only
     * ordering: nothing of theirs enters the pod template, so a re-run
     * bootstrap does not restart Rocket.Chat. Defaults to none.
     */
    readonly startAfter?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
    /** Let `pulumi destroy` delete the uploads claim (deleteDataOnDestroy). Defaults to false: destroy leaves it. */
    readonly deleteUploadsOnDestroy?: boolean;
}

export class RocketChat extends pulumi.ComponentResource {
    public readonly deploymentName: string;
    public readonly serviceName: string;
    /** The uploads claim, or undefined with GridFS storage. */
    public readonly uploadsClaimName?: string;
    public readonly url: string;
    public readonly selector: Record<string, string>;
    /** The container's environment (OVERWRITE_SETTING_* included), as the builder writes it. */
    public readonly environment: ReturnType<typeof rocketchatContainerEnv>;

    constructor(name: string, args: RocketChatArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.RocketChat.token, name, {}, withFormerTypes("RocketChat", opts));
        const child = childOf(this, opts);
        const refs = rocketchatRefs(name, args.uploads?.storage);
        this.deploymentName = refs.deploymentName;
        this.serviceName = refs.serviceName;
        this.uploadsClaimName = refs.uploadsClaimName;
        this.selector = refs.selector;
        this.url = `https://${args.hostname}`;

        this.environment = rocketchatContainerEnv(args);
        // A changed setting or Secret value changes the template and rolls the pods.
        const checksum = pulumi.all([pulumi.output(this.environment), ...args.rolloutSecrets])
            .apply(([plainEnv, ...secrets]) => configChecksum(plainEnv as unknown[], secrets as string[]));
        const objects = rocketchatObjects<pulumi.Input<string>>(name, args, pulumi.unsecret(checksum));

        // Each object is registered under its own name (as before the builder existed).
        const declare = (object: KubernetesObject & { readonly metadata?: { readonly name?: string } }, options: pulumi.CustomResourceOptions) =>
            declareObject(object.metadata!.name!, object, options);
        if (objects.uploadsClaim) {
            // Uploads are user data: `pulumi destroy` leaves the claim in place unless deleteDataOnDestroy says otherwise.
            declare(objects.uploadsClaim, { ...child, retainOnDelete: !args.deleteUploadsOnDestroy });
        }
        // Children do not inherit the component's dependsOn: the Deployment names what it waits for.
        const deployment = declare(objects.deployment, childOf(this, opts, args.startAfter));
        const service = declare(objects.service, child);
        if (objects.autoscaler) {
            // It names the Deployment; the builder gives the name, so the order is stated here.
            declare(objects.autoscaler, childOf(this, opts, [deployment]));
        }
        declare(objects.disruptionBudget, child);
        declare(objects.networkPolicy, child);
        // Likewise for the Service the Ingress or Route sends traffic to.
        declare(objects.exposure, childOf(this, opts, [service]));

        this.registerOutputs({ url: this.url, deploymentName: this.deploymentName });
    }
}
