#!/usr/bin/env bash
# Restore, run by the restore Job the program declares while the stack
# setting restoreArchive names an archive: checks the archive's checksum and
# replays it with its oplog through the replica-set URI (writes go to the
# primary; replication carries them to the other members). --drop replaces
# existing collections only when RESTORE_DROP is "true". Holds the backup
# volume's lock for the whole restore, so no backup or verification runs
# meanwhile, and waits for one that is running to finish first.
set -euo pipefail
SCRIPT_NAME=restore
scripts=$(dirname "${BASH_SOURCE[0]}")
. "$scripts/lib.sh"

require_env BACKUP_DIR RESTORE_ARCHIVE MONGODB_HOSTS MONGODB_REPLICA_SET TOOLS_CONFIG_DIR
case "$RESTORE_ARCHIVE" in */* | .*) fail "RESTORE_ARCHIVE must be a file name in the mongodb directory of the backup volume" ;; esac
archive="$BACKUP_DIR/mongodb/$RESTORE_ARCHIVE"

trap 'status=$?; rm -f -- "$TOOLS_CONFIG_DIR/tools.yaml"; release_lock; exit "$status"' EXIT
trap 'exit 143' TERM INT

acquire_lock "restore of $RESTORE_ARCHIVE"
[ -f "$archive" ] || fail "$archive does not exist"
if [ -f "$archive.sha256" ]; then
    check_sha256 "$archive"
else
    log "warning: $RESTORE_ARCHIVE has no checksum file; restoring it unchecked"
fi
gzip -t "$archive"

render_tools_config "$TOOLS_CONFIG_DIR/tools.yaml" "replicaSet=$MONGODB_REPLICA_SET&authSource=admin"
args=(--config="$TOOLS_CONFIG_DIR/tools.yaml" --oplogReplay --gzip --archive="$archive")
if [ "${RESTORE_DROP:-false}" = "true" ]; then
    log "dropping each collection before restoring it (restoreDropExisting is true)"
    args+=(--drop)
fi
log "restoring $RESTORE_ARCHIVE through the replica-set URI"
mongorestore "${args[@]}"
mark_success last-restore-success "$RESTORE_ARCHIVE"
log "restored $RESTORE_ARCHIVE"
