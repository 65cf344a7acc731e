#!/usr/bin/env bash
# Database backup, run by the backup CronJob:
#   1. take the lock on the backup volume (a restore or verification waits, and so do we);
#   2. count the documents of every collection (manifest "before");
#   3. mongodump --oplog --gzip through the replica-set URI, reading from a
#      secondary when one is up, into <archive>.partial;
#   4. count again (manifest "after"): the dump, replayed to the end of its
#      oplog, holds a state between the two counts;
#   5. check the archive: gzip -t, then mongorestore --dryRun;
#   6. write the checksum and manifest sidecars, then rename the archive into
#      place, the step that makes it a good archive;
#   7. only then prune, keeping the newest BACKUP_RETENTION good archives.
# Any failure stops the script before step 7 and removes this run's partial
# files; nothing else is deleted.
set -euo pipefail
SCRIPT_NAME=backup
scripts=$(dirname "${BASH_SOURCE[0]}")
. "$scripts/lib.sh"

require_env BACKUP_DIR ARCHIVE_PREFIX BACKUP_RETENTION MONGODB_HOSTS MONGODB_REPLICA_SET TOOLS_CONFIG_DIR
dir="$BACKUP_DIR/mongodb"
mkdir -p "$dir"

work=$(mktemp -d "${TMPDIR:-/tmp}/backup.XXXXXX")
archive=""
partials=()
cleanup() {
    local status=$?
    if [ "$status" -ne 0 ] && [ "${#partials[@]}" -gt 0 ]; then
        log "removing this run's partial files"
        rm -f -- "${partials[@]}"
    fi
    rm -rf -- "$work" "$TOOLS_CONFIG_DIR/tools.yaml"
    release_lock
    exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

acquire_lock "backup"

name="$ARCHIVE_PREFIX-$(utc_stamp).archive.gz"
archive="$dir/$name"
[ ! -e "$archive" ] || fail "$name already exists"
partials=("$archive.partial" "$archive.sha256" "$archive.manifest.json")

options="replicaSet=$MONGODB_REPLICA_SET&authSource=admin&readPreference=secondaryPreferred"
render_tools_config "$TOOLS_CONFIG_DIR/tools.yaml" "$options"

count_documents() { # $1 output file
    MANIFEST_MODE=count COUNTS_FILE=$1 MONGODB_URI_OPTIONS=$options \
        mongosh --nodb --quiet --norc --file "$scripts/manifest.js" >&2
}

log "counting documents before the dump"
count_documents "$work/before.json"
log "dumping to $name.partial"
mongodump --config="$TOOLS_CONFIG_DIR/tools.yaml" --oplog --gzip --archive="$archive.partial"
log "counting documents after the dump"
count_documents "$work/after.json"

log "checking the archive"
gzip -t "$archive.partial"
mongorestore --config="$TOOLS_CONFIG_DIR/tools.yaml" --dryRun --gzip --archive="$archive.partial"

sum=$(sha256sum "$archive.partial" | cut -d' ' -f1)
printf '%s  %s\n' "$sum" "$name" >"$archive.sha256"
printf '{"archive":"%s","createdAt":"%s","sha256":"%s","bytes":%s,"before":%s,"after":%s}\n' \
    "$name" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$sum" "$(stat -c %s "$archive.partial")" \
    "$(cat "$work/before.json")" "$(cat "$work/after.json")" >"$archive.manifest.json"
mv -- "$archive.partial" "$archive"
partials=()
log "wrote $name ($(stat -c %s "$archive") bytes, sha256 $sum)"
mark_success last-backup-success "$name"

bash "$scripts/retention.sh" "$dir" "$ARCHIVE_PREFIX" .archive.gz "$BACKUP_RETENTION" .sha256 .manifest.json
