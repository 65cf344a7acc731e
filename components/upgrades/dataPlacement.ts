/**
 * Where a running stack keeps its data, as the deployment record holds it,
 * and the setting changes that would strand or delete that data, refused
 * before anything is declared (issue 24, findings 1-4).
 *
 * Why each is refused (the sources):
 * - A StatefulSet's `spec.volumeClaimTemplates` and a claim's `accessModes`
 *   and `storageClassName` are replace-only for the kubernetes provider
 *   (pulumi-kubernetes provider/pkg/provider/diff.go, forceNew table). Our
 *   objects have fixed names, so a replacement deletes first: every MongoDB
 *   member at once, past the PodDisruptionBudget, and the re-created set
 *   re-attaches the old claims at their old size; a replaced claim is a new,
 *   empty volume (with backupDeleteClaimOnDestroy or deleteDataOnDestroy the
 *   old one is deleted).
 * - A claim's requested size can only grow (kube-apiserver
 *   pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate: "field can
 *   not be less than previous value"), and only where its StorageClass has
 *   allowVolumeExpansion. Growing a claim is an in-place update and allowed:
 *   the uploads and backup claims directly, the members' claims through their
 *   patches (mongodb/memberVolumes.ts); the apiserver refuses the growth of a
 *   claim whose class does not allow expansion, at that update.
 * - Rocket.Chat records each upload's store with the file (the `store` field
 *   of rocketchat_uploads) and serves it from that store
 *   (apps/meteor/app/file-upload/server/lib/FileUpload.ts,
 *   `getStoreByName(file.store)`): after a FileSystem <-> GridFS switch the
 *   earlier files are read from a store that does not hold them.
 * - A renamed application database is a new, empty one; the data stays in
 *   the old one.
 *
 * A record written before this existed has no placement: nothing is compared,
 * and the run records it.
 */
import type { Settings } from "../settings";
import { parseQuantity } from "../validators";

export interface ClaimShape {
    /** "" means the cluster's default StorageClass. */
    readonly storageClass: string;
    readonly size: string;
}

export interface DataPlacement {
    readonly mongodbDatabase: string;
    /** The members' claim template. */
    readonly mongodbStorage: ClaimShape;
    readonly uploadsStorage: string;
    /** The uploads claim, with FileSystem storage. */
    readonly uploadsClaim?: ClaimShape & { readonly accessMode: string };
    /** The backup claim the stack creates (none with backupExistingClaim or without backups). */
    readonly backupClaim?: ClaimShape & { readonly deleteOnDestroy: boolean };
}

/** What the settings place where. */
export function dataPlacementOf(s: Settings): DataPlacement {
    const backupsOn = s.backupEnabled || s.restoreArchive !== "";
    return {
        mongodbDatabase: s.mongodbDatabase,
        mongodbStorage: { storageClass: s.mongodbStorageClass, size: s.mongodbStorageSize },
        uploadsStorage: s.uploadsStorage,
        ...(s.uploadsStorage === "FileSystem"
            ? { uploadsClaim: { storageClass: s.uploadsStorageClass, size: s.uploadsStorageSize, accessMode: s.uploadsAccessMode } }
            : {}),
        ...(backupsOn && s.backupExistingClaim === ""
            ? { backupClaim: { storageClass: s.backupStorageClass, size: s.backupStorageSize, deleteOnDestroy: s.backupDeleteClaimOnDestroy } }
            : {}),
    };
}

export interface PlacementRefusal {
    readonly setting: "mongodbDatabase" | "mongodbStorageClass" | "mongodbStorageSize" | "uploadsStorage" | "uploadsStorageClass" | "uploadsAccessMode" |
        "uploadsStorageSize" | "backupStorageClass" | "backupStorageSize" | "backupEnabled";
    readonly value: unknown;
    readonly reason: string;
}

const moving = "to move the data, back up, deploy a new stack with the new value and restore into it (docs/moving-data.md)";
const className = (c: string) => (c === "" ? "the cluster default" : `'${c}'`);

/** Refusals for one claim's class and size: a larger size is an in-place update, a smaller one or another class is refused. */
function claimRefusals(what: string, before: ClaimShape, after: ClaimShape, settings: { storageClass: PlacementRefusal["setting"]; size: PlacementRefusal["setting"] }): PlacementRefusal[] {
    const refusals: PlacementRefusal[] = [];
    if (before.storageClass !== after.storageClass) {
        refusals.push({
            setting: settings.storageClass, value: after.storageClass,
            reason: `${what} was created with StorageClass ${className(before.storageClass)}; a claim's class cannot change (the provider would delete the claim ` +
                `and create an empty one). Set it back to ${JSON.stringify(before.storageClass)}; ${moving}`,
        });
    }
    const was = parseQuantity(before.size)!;
    const now = parseQuantity(after.size)!;
    if (now < was) {
        refusals.push({
            setting: settings.size, value: after.size,
            reason: `${what} holds ${before.size}; a claim can only grow (the apiserver refuses a smaller request). Set it back to ${before.size} or larger; ${moving}`,
        });
    }
    return refusals;
}

/** What the next run may not change about where the data lives. */
export function dataPlacementRefusals(before: DataPlacement | undefined, after: DataPlacement): PlacementRefusal[] {
    if (before === undefined) {
        return [];
    }
    const refusals: PlacementRefusal[] = [];
    if (before.mongodbDatabase !== after.mongodbDatabase) {
        refusals.push({
            setting: "mongodbDatabase", value: after.mongodbDatabase,
            reason: `Rocket.Chat's data is in database '${before.mongodbDatabase}'; with '${after.mongodbDatabase}' it would start on an empty database ` +
                `and the data would stay behind. Set it back to '${before.mongodbDatabase}'; to rename, back up and restore into a new stack (docs/moving-data.md)`,
        });
    }
    // Growth is in place: each member's claim is patched, the StatefulSet is left alone (mongodb/memberVolumes.ts).
    refusals.push(...claimRefusals("every MongoDB member's volume", before.mongodbStorage, after.mongodbStorage,
        { storageClass: "mongodbStorageClass", size: "mongodbStorageSize" }));
    if (before.uploadsStorage !== after.uploadsStorage) {
        refusals.push({
            setting: "uploadsStorage", value: after.uploadsStorage,
            reason: `uploads are stored in ${before.uploadsStorage}, and Rocket.Chat records each file's store with it: after a switch to ${after.uploadsStorage} ` +
                `every earlier attachment would be read from a store that does not hold it. Set it back to '${before.uploadsStorage}'`,
        });
    } else if (before.uploadsClaim && after.uploadsClaim) {
        if (before.uploadsClaim.accessMode !== after.uploadsClaim.accessMode) {
            refusals.push({
                setting: "uploadsAccessMode", value: after.uploadsClaim.accessMode,
                reason: `the uploads claim was created ${before.uploadsClaim.accessMode}; a claim's access modes cannot change (the provider would delete it and ` +
                    `create an empty one). Set it back to '${before.uploadsClaim.accessMode}'; ${moving}`,
            });
        }
        refusals.push(...claimRefusals("the uploads claim", before.uploadsClaim, after.uploadsClaim,
            { storageClass: "uploadsStorageClass", size: "uploadsStorageSize" }));
    }
    if (before.backupClaim && after.backupClaim) {
        refusals.push(...claimRefusals("the backup claim", before.backupClaim, after.backupClaim,
            { storageClass: "backupStorageClass", size: "backupStorageSize" }));
    } else if (before.backupClaim?.deleteOnDestroy && after.backupClaim === undefined) {
        refusals.push({
            setting: "backupEnabled", value: false,
            reason: "the stack's backup claim would leave the stack, and with backupDeleteClaimOnDestroy it is deleted with every archive on it. " +
                "Set backupDeleteClaimOnDestroy to false in a run of its own first (the claim is then kept), then turn backups off or name backupExistingClaim",
        });
    }
    return refusals;
}

/** A placement read back from a record, or undefined when absent or malformed (never guessed). */
export function parseDataPlacement(value: unknown): DataPlacement | undefined {
    const v = value as Partial<DataPlacement> | undefined;
    const isClaim = (c: any) => c && typeof c.storageClass === "string" && typeof c.size === "string" && parseQuantity(c.size) !== undefined;
    if (!v || typeof v.mongodbDatabase !== "string" || !isClaim(v.mongodbStorage) || typeof v.uploadsStorage !== "string") {
        return undefined;
    }
    if ((v.uploadsClaim !== undefined && !(isClaim(v.uploadsClaim) && typeof v.uploadsClaim.accessMode === "string")) ||
        (v.backupClaim !== undefined && !(isClaim(v.backupClaim) && typeof v.backupClaim.deleteOnDestroy === "boolean"))) {
        return undefined;
    }
    // Rebuilt key by key: a record read back through the backend may come with
    // its keys sorted, and the upgrade guard Job's name digests the record.
    const claim = (c: ClaimShape) => ({ storageClass: c.storageClass, size: c.size });
    return {
        mongodbDatabase: v.mongodbDatabase,
        mongodbStorage: claim(v.mongodbStorage!),
        uploadsStorage: v.uploadsStorage,
        ...(v.uploadsClaim ? { uploadsClaim: { ...claim(v.uploadsClaim), accessMode: v.uploadsClaim.accessMode } } : {}),
        ...(v.backupClaim ? { backupClaim: { ...claim(v.backupClaim), deleteOnDestroy: v.backupClaim.deleteOnDestroy } } : {}),
    };
}
