/**
 * The stack's settings as the backups' arguments (pure). What other parts of
 * the platform decide (the replica set's members and client labels, the
 * users Secret, Rocket.Chat's uploads claim and pod selector) comes in as
 * `peers`, so the mapping needs no component instance.
 */
import type * as pulumi from "@pulumi/pulumi";
import { placementFor } from "../placement";
import { rocketchatImageUid } from "../rocketchat/rocketchat";
import { Settings } from "../settings";
import type { BackupsArgs, BackupTarget } from "./backups";
import { resourceSettingsOf } from "../podShapes";

/** A MongoDB user's keys in the users Secret. */
export interface UserKeys {
    readonly usernameKey: string;
    readonly passwordKey: string;
}

export interface BackupPeers {
    /** The replica set the backups read from and restores write to. */
    readonly mongodb: BackupTarget;
    /** The Secret holding the MongoDB users' names and passwords. */
    readonly usersSecretName: pulumi.Input<string>;
    /** The backup user (built-in backup role). */
    readonly backupUser: UserKeys;
    /** The restore identity (the restore role of components/mongodb/restoreRole.json). */
    readonly restoreUser: UserKeys;
    /** The previous generation's users kept this run (credentialObjects.ts previousUsernames), which a restore keeps too. */
    readonly previousUsernames: readonly string[];
    /** Rocket.Chat's uploads claim; undefined with GridFS uploads. */
    readonly uploadsClaimName?: pulumi.Input<string>;
    /** Labels of the Rocket.Chat pods. */
    readonly rocketchatSelector: Record<string, string>;
}

/** The backups' arguments, or undefined when backupEnabled is false and no restore is asked for. */
export function backupsArgsFromSettings(s: Settings, peers: BackupPeers): BackupsArgs | undefined {
    if (!(s.backupEnabled || s.restoreArchive !== "")) {
        return undefined;
    }
    return {
        namespace: s.namespace,
        image: s.mongodbImage,
        placement: placementFor(s, "backup"),
        mongodb: peers.mongodb,
        credentials: { secretName: peers.usersSecretName, ...peers.backupUser },
        restoreCredentials: { secretName: peers.usersSecretName, ...peers.restoreUser },
        previousUsernames: peers.previousUsernames,
        appDatabase: s.mongodbDatabase,
        suspectBelowPercent: s.backupSuspectBelowPercent,
        schedulesEnabled: s.backupEnabled,
        schedule: s.backupSchedule,
        retention: s.backupRetention,
        verifySchedule: s.backupVerifySchedule,
        existingClaimName: s.backupExistingClaim || undefined,
        storageClassName: s.backupStorageClass || undefined,
        storageSize: s.backupStorageSize,
        deleteClaimOnDestroy: s.backupDeleteClaimOnDestroy,
        resources: resourceSettingsOf(s, "backup"),
        fixedUid: s.fixedUids,
        // The restored database fits in a member's volume.
        scratchSize: s.mongodbStorageSize,
        scratchStorageClassName: s.backupScratchStorageClass || undefined,
        uploadsClaimName: peers.uploadsClaimName,
        uploadsRetention: s.backupUploadsRetention,
        // Only a node that runs Rocket.Chat can attach a ReadWriteOnce uploads claim.
        uploadsColocateWith: s.uploadsAccessMode === "ReadWriteOnce" ? peers.rocketchatSelector : undefined,
        uploadsGroupId: s.fixedUids ? rocketchatImageUid : undefined,
        restoreArchive: s.restoreArchive || undefined,
        restoreDropExisting: s.restoreDropExisting,
        restoreAllowUnchecksummed: s.restoreAllowUnchecksummedArchive,
    };
}
