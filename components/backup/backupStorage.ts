/**
 * The volume that holds archives: an existing claim (e.g. an NFS volume
 * outside the cluster) or a new PersistentVolumeClaim. A created claim
 * outlives `pulumi destroy` unless the stack opts in to deleting it.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";

export interface BackupStorageArgs {
    /** Namespace of the claim. */
    readonly namespace: string;
    /** Labels of a created claim. */
    readonly labels: Record<string, string>;
    /** Use this existing claim instead of creating one. Defaults to creating `<name>-backup`. */
    readonly existingClaimName?: string;
    /** StorageClass of a created claim. Defaults to the cluster default class. */
    readonly storageClassName?: string;
    /** Size of a created claim. */
    readonly size: string;
    /** Named opt-in: delete a created claim, and every archive on it, with the stack. Defaults to false (retained). */
    readonly deleteClaimOnDestroy?: boolean;
}

export class BackupStorage extends pulumi.ComponentResource {
    /** Name of the claim backup, verification and restore pods mount. */
    public readonly claimName: pulumi.Output<string>;
    /** True when the program created (and, unless opted in, retains) the claim. */
    public readonly created: boolean;

    constructor(name: string, args: BackupStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentTypes.BackupStorage.token, name, {}, withFormerTypes("BackupStorage", opts));
        this.created = !args.existingClaimName;
        if (args.existingClaimName) {
            this.claimName = pulumi.output(args.existingClaimName);
        } else {
            const claimName = `${name}-backup`;
            const claim = new k8s.core.v1.PersistentVolumeClaim(claimName, {
                metadata: { name: claimName, namespace: args.namespace, labels: args.labels },
                spec: {
                    // One pod at a time writes: backup, verification and restore take a lock.
                    accessModes: ["ReadWriteOnce"],
                    ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
                    resources: { requests: { storage: args.size } },
                },
            }, { ...childOf(this, opts), retainOnDelete: !args.deleteClaimOnDestroy });
            this.claimName = claim.metadata.name;
        }
        this.registerOutputs({ claimName: this.claimName });
    }
}
