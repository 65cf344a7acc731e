#!/usr/bin/env bash
# Database backup, run by the backup CronJob:
#   1. take the lock on the backup volume (a restore or verification waits, and so do we);
#   2. choose ONE member (member.js: the secondary with the smallest lag,
#      else the primary) and connect to it directly: mongodump --oplog must
#      read its collections and its oplog window from the same server;
#   3. mongodump --oplog --gzip from that member into <archive>.partial;
#   4. read the whole archive (archive.js: every byte and CRC; the oplog's
#      last timestamp, the point in time a restore reaches);
#   5. count every collection on the same member with a snapshot read at that
#      timestamp (manifest.js): the exact counts a restore must give;
#   6. mark the archive suspect when it holds no application document or is
#      far smaller than the newest verified archive (catalogue.js): it is
#      kept, does not count toward retention, and the run ends with exit
#      code 3 (after pruning) so the Job fails visibly without retries;
#   7. write the checksum and manifest sidecars, then rename the archive into
#      place, the step that makes it complete;
#   8. only then prune (catalogue.js prune: never the newest verified archive
#      or anything newer, nothing while the last verification failed).
# Any failure stops the script before step 8 and removes this run's partial
# files; nothing else is deleted.
set -euo pipefail
SCRIPT_NAME=backup
scripts=$(dirname "${BASH_SOURCE[0]}")
. "$scripts/lib.sh"

require_env BACKUP_DIR ARCHIVE_PREFIX BACKUP_RETENTION MONGODB_HOSTS MONGODB_REPLICA_SET TOOLS_CONFIG_DIR APP_DATABASE SUSPECT_BELOW_PERCENT
dir="$BACKUP_DIR/mongodb"
mkdir -p "$dir"

work=$(mktemp -d "${TMPDIR:-/tmp}/backup.XXXXXX")
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

sequence=$(catalogue next-sequence)
name="$ARCHIVE_PREFIX-$(utc_stamp).archive.gz"
archive="$dir/$name"
[ ! -e "$archive" ] || fail "$name already exists"
partials=("$archive.partial" "$archive.sha256" "$archive.manifest.json" "$archive.suspect")

SELECTION_FILE="$work/member.json" HOST_FILE="$work/host" run_js member.js || fail "no replica-set member could be chosen to dump from"
host=$(cat "$work/host")
log "dumping from $host: $(cat "$work/member.json")"
render_tools_config "$TOOLS_CONFIG_DIR/tools.yaml" "$host" "directConnection=true&authSource=admin"

log "dumping to $name.partial (sequence $sequence)"
mongodump --config="$TOOLS_CONFIG_DIR/tools.yaml" --oplog --gzip --archive="$archive.partial"

log "reading the whole archive"
archive_report "$archive.partial" "$work/archive.json"

log "counting the documents of $host at the archive's point in time"
MANIFEST_MODE=count COUNTS_FILE="$work/counted.json" ARCHIVE_REPORT="$work/archive.json" MEMBER_FILE="$work/member.json" \
    MONGODB_HOSTS="$host" MONGODB_URI_OPTIONS="directConnection=true&authSource=admin" run_js manifest.js ||
    fail "the snapshot count failed: reading the archive took longer than the server keeps snapshot history (minSnapshotHistoryWindowInSeconds, 300 s by default; about 30 GiB of uncompressed archive, docs/backup.md), so it cannot be counted at the dump's end; raise that server parameter"

sum=$(sha256sum "$archive.partial" | cut -d' ' -f1)
printf '%s  %s\n' "$sum" "$name" >"$archive.sha256"
MANIFEST_MODE=compose MANIFEST_OUT="$archive.manifest.json" ARCHIVE_REPORT="$work/archive.json" MEMBER_FILE="$work/member.json" \
    COUNTS_FILE="$work/counted.json" ARCHIVE_NAME="$name" SEQUENCE="$sequence" SHA256="$sum" \
    BYTES="$(stat -c %s "$archive.partial")" run_js manifest.js

reason=$(NEW_MANIFEST="$archive.manifest.json" catalogue suspect)
if [ -n "$reason" ]; then
    log "SUSPECT: $name is kept but does not count toward retention: $reason"
    printf '%s\n' "$reason" >"$archive.suspect"
fi
printf '%s\n' "$sequence" >"$dir/.sequence"
mv -- "$archive.partial" "$archive"
partials=()
log "wrote $name ($(stat -c %s "$archive") bytes, sha256 $sum)"
[ -n "$reason" ] || mark_success last-backup-success "$name"

prune=$(catalogue prune)
for old in $prune; do
    is_dated_archive "$old" "$ARCHIVE_PREFIX" .archive.gz || fail "retention named an unexpected file: $old"
    log "pruning $old"
    rm -f -- "$dir/$old" "$dir/$old".*
done
for leftover in "$dir/$ARCHIVE_PREFIX"-*.archive.gz.partial; do
    [ -e "$leftover" ] || continue
    log "removing ${leftover##*/}, left over by a failed or interrupted run"
    rm -f -- "$leftover"
done
if [ -n "$reason" ]; then
    # Not a successful backup: the Job fails (its pod failure policy stops
    # retries on this code) and the backup-age alert fires if it goes on.
    log "FAILED: $name is suspect: $reason"
    exit 3
fi
