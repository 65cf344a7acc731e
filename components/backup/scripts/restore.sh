#!/usr/bin/env bash
# Restore, run by the restore Job the program declares while the stack
# setting restoreArchive names an archive. Before anything is written or
# dropped it checks the archive: its sha256 checksum (an archive without one
# is refused unless RESTORE_ALLOW_UNCHECKSUMMED is "true", the stack's named
# opt-in) and its whole content (archive.js reads every byte and CRC). Then it
# replays the archive with its oplog through the replica-set URI (writes go
# to the primary; replication carries them to the other members) as the
# restore identity, the only user whose role allows --oplogReplay. Existing
# collections are replaced only when RESTORE_DROP is "true". Holds the
# backup volume's lock for the whole restore, so no backup or verification
# runs meanwhile, and waits for one that is running to finish first.
#
# The stack's MongoDB identities survive whatever the archive holds
# (restoredIdentities.js has the decision and its sources): mongorestore never
# gets --drop, which would replace the live users and roles with the
# archive's; RESTORE_DROP drops the archive's collections beforehand instead
# (archivedCollections.js); afterwards the platform users of other
# generations that the archive brought back are dropped.
set -euo pipefail
SCRIPT_NAME=restore
scripts=$(dirname "${BASH_SOURCE[0]}")
. "$scripts/lib.sh"

require_env BACKUP_DIR RESTORE_ARCHIVE MONGODB_HOSTS MONGODB_REPLICA_SET TOOLS_CONFIG_DIR USER_GENERATIONS_MODULE
# The users the restore keeps (restoredIdentities.js), checked before anything is written.
require_env APP_USERNAME BACKUP_USERNAME RESTORE_USERNAME MONITORING_USERNAME
# A nightly archive by name, or one the upgrade guard took: pre-upgrade/<name>.
case "$RESTORE_ARCHIVE" in
    pre-upgrade/*) dir="$BACKUP_DIR/pre-upgrade/mongodb" file=${RESTORE_ARCHIVE#pre-upgrade/} ;;
    *) dir="$BACKUP_DIR/mongodb" file=$RESTORE_ARCHIVE ;;
esac
case "$file" in */* | .* | "") fail "RESTORE_ARCHIVE must be the file name of an archive in the mongodb directory of the backup volume, or pre-upgrade/<file name>" ;; esac
archive="$dir/$file"
work=$(mktemp -d "${TMPDIR:-/tmp}/restore.XXXXXX")

trap 'status=$?; rm -rf -- "$TOOLS_CONFIG_DIR/tools.yaml" "$work"; release_lock; exit "$status"' EXIT
trap 'exit 143' TERM INT

acquire_lock "restore of $RESTORE_ARCHIVE"
[ -f "$archive" ] || fail "$archive does not exist"
if [ -f "$archive.sha256" ]; then
    check_sha256 "$archive"
elif [ "${RESTORE_ALLOW_UNCHECKSUMMED:-false}" = "true" ]; then
    log "warning: $RESTORE_ARCHIVE has no checksum file; restoring it because restoreAllowUnchecksummedArchive is true"
else
    fail "$RESTORE_ARCHIVE has no checksum file ($RESTORE_ARCHIVE.sha256), so nothing proves it is the archive the backup wrote; set restoreAllowUnchecksummedArchive to restore it anyway"
fi
log "reading the whole archive before anything is written"
archive_report "$archive" "$work/archive.json"
if [ -f "$archive.suspect" ]; then
    log "warning: the backup marked $RESTORE_ARCHIVE suspect: $(cat "$archive.suspect")"
fi
if [ ! -f "$archive.verified" ]; then
    log "warning: $RESTORE_ARCHIVE was never verified by a restore test"
fi

export MONGODB_URI_OPTIONS="replicaSet=$MONGODB_REPLICA_SET&authSource=admin"
render_tools_config "$TOOLS_CONFIG_DIR/tools.yaml" "$MONGODB_HOSTS" "$MONGODB_URI_OPTIONS"
if [ "${RESTORE_DROP:-false}" = "true" ]; then
    log "dropping each collection the archive holds before restoring it, as mongorestore --drop would (restoreDropExisting is true); users and roles are merged, not dropped"
    ARCHIVE_REPORT="$work/archive.json" run_js archivedCollections.js || fail "the archive's collections could not be dropped"
fi
log "restoring $RESTORE_ARCHIVE through the replica-set URI as $MONGODB_USERNAME"
mongorestore --config="$TOOLS_CONFIG_DIR/tools.yaml" --oplogReplay --gzip --archive="$archive"
log "keeping this stack's MongoDB users: dropping the platform users of other generations the archive brought back"
run_js restoredIdentities.js || fail "the restored users are not this stack's"
mark_success last-restore-success "$RESTORE_ARCHIVE"
log "restored $RESTORE_ARCHIVE"
