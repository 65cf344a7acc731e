/**
 * Where things live inside backup, verification and restore pods, and on the
 * backup volume. The scripts read these paths from environment variables, so
 * this file is the one place they are chosen.
 *
 * Backup volume:
 *   mongodb/<prefix>-<UTC stamp>.archive.gz               mongodump --oplog --gzip archive of one member
 *   mongodb/<archive>.sha256, <archive>.manifest.json     checksum; sequence, member, optime, exact counts
 *   mongodb/<archive>.verified | .verify-failed           outcome of the restore test of that archive
 *   mongodb/<archive>.suspect                             why its content looked wrong when written
 *   mongodb/.sequence                                     the last sequence number given to an archive
 *   uploads/<prefix>-uploads-<UTC stamp>.tar.gz(.sha256)  uploads archive (FileSystem storage)
 *   status/last-{backup,uploads,verify,restore}-success    "<epoch seconds> <archive>"
 *   status/last-verify-result                             "<epoch seconds> ok|failed <archive>" (retention reads it)
 *   .lock/                                                 held by a backup, verification or restore
 */
export const paths = {
    /** Mount point of the backup claim. */
    backup: "/backup",
    /** Mount point of the scripts ConfigMap. */
    scripts: "/scripts",
    /** Memory-backed directory for the rendered mongodump/mongorestore --config file. */
    toolsConfig: "/run/mongo-tools",
    /** Writable scratch space (the root file system is read-only). */
    tmp: "/tmp",
    /** dbpath of the verification's scratch mongod (a generic ephemeral volume). */
    scratch: "/scratch",
    /** The restore role's definition, shipped with the scripts (components/mongodb/restoreRole.json). */
    restoreRole: "/scripts/restoreRole.json",
    /** Which users are another generation of a platform user, shipped with the scripts (components/mongodb/userGenerations.js). */
    userGenerations: "/scripts/userGenerations.js",
    /** Where Rocket.Chat keeps FileSystem uploads; mounted read-only. */
    uploads: "/app/uploads",
} as const;

/** Script files in components/backup/scripts, shipped in one ConfigMap. */
export const scriptFiles = [
    "lib.sh", "retention.sh", "backup.sh", "uploads.sh", "verify.sh", "restore.sh",
    "archive.js", "catalogue.js", "manifest.js", "member.js", "scratchUsers.js",
    "mongoUri.js", "archivedCollections.js", "restoredIdentities.js",
] as const;
export type ScriptFile = (typeof scriptFiles)[number];

/** A Job may run this long; a lock older than this plus a margin is stale. Defaults used by the component. */
export const defaultJobDeadlineSeconds = 6 * 60 * 60;

/** backup.sh's exit code when it wrote an archive that is suspect (catalogue.js). */
export const suspectArchiveExitCode = 3;
