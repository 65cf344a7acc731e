/**
 * The volume that holds archives: an existing claim (e.g. an NFS volume
 * outside the cluster) or a new PersistentVolumeClaim. A created claim
 * outlives `pulumi destroy` unless the stack opts in to deleting it.
 */
import { componentTypes, withFormerTypes } from "../componentTypes";
import * as k8s from "../k8s";
import * as pulumi from "@pulumi/pulumi";
import { childOf } from "../childOptions";

export interface BackupClaimArgs {
    /** Namespace of the claim. */
    readonly namespace: string;
    /** Labels of the claim. */
    readonly labels: Record<string, string>;
    /** StorageClass of the claim. Defaults to the cluster default class. */
    readonly storageClassName?: string;
    /** Size of the claim. */
    readonly size: string;
}

export interface BackupStorageArgs extends BackupClaimArgs {
    /** Use this existing claim instead of creating one. Defaults to creating `<name>-backup`. */
    readonly existingClaimName?: string;
    /** Named opt-in: delete a created claim, and every archive on it, with the stack. Defaults to false (retained). */
    readonly deleteClaimOnDestroy?: boolean;
}

/** Name of the claim the program creates for instance `name`. */
export function backupClaimName(name: string): string {
    return `${name}-backup`;
}

/**
 * The claim the program creates when no existing claim is named. Typed by
 * inference against @pulumi/kubernetes's input types (the shared pod helpers
 * use those), not kubernetes-models: their quantity types do not mix.
 */
export function backupClaimObject(name: string, args: BackupClaimArgs) {
    const claimName = backupClaimName(name);
    return {
        apiVersion: "v1" as const,
        kind: "PersistentVolumeClaim" as const,
        metadata: { name: claimName, namespace: args.namespace, labels: args.labels },
        spec: {
            // One pod at a time writes: backup, verification and restore take a lock.
            accessModes: ["ReadWriteOnce"],
            ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
            resources: { requests: { storage: args.size } },
        },
    };
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
            const object = backupClaimObject(name, args);
            const claim = new k8s.core.v1.PersistentVolumeClaim(object.metadata.name, { metadata: object.metadata, spec: object.spec }, {
                ...childOf(this, opts),
                retainOnDelete: !args.deleteClaimOnDestroy,
            });
            this.claimName = claim.metadata.name;
        }
        this.registerOutputs({ claimName: this.claimName });
    }
}
