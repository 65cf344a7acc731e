#!/usr/bin/env bash
# Restore test, run by the verification CronJob: a dump is only proven by
# restoring it. Takes the newest good archive, checks its checksum, restores it
# with its oplog into a scratch mongod started in this pod (empty dbpath,
# localhost only, no authentication), and compares the document count of every
# collection with the manifest written at dump time. Any difference or failure
# exits non-zero, failing the Job. Success is recorded in
# status/last-verify-success for monitoring.
set -euo pipefail
SCRIPT_NAME=verify
scripts=$(dirname "${BASH_SOURCE[0]}")
. "$scripts/lib.sh"

require_env BACKUP_DIR ARCHIVE_PREFIX SCRATCH_DIR
dir="$BACKUP_DIR/mongodb"
port=${SCRATCH_PORT:-27017}
local_uri="mongodb://127.0.0.1:$port/"

mongod_pid=""
cleanup() {
    local status=$?
    if [ -n "$mongod_pid" ]; then
        kill "$mongod_pid" 2>/dev/null || true
        wait "$mongod_pid" 2>/dev/null || true
    fi
    release_lock
    exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# The lock keeps the backup's pruning away from the archive under test.
acquire_lock "verification"
archive=$(newest_complete_archive "$dir" "$ARCHIVE_PREFIX" .archive.gz .sha256 .manifest.json)
[ -n "$archive" ] || fail "no complete archive (with checksum and manifest) in $dir"
name=${archive##*/}
log "verifying $name"
check_sha256 "$archive"

mkdir -p "$SCRATCH_DIR/db"
mongod --dbpath "$SCRATCH_DIR/db" --bind_ip 127.0.0.1 --port "$port" \
    --wiredTigerCacheSizeGB "${SCRATCH_CACHE_GB:-0.25}" --logpath "$SCRATCH_DIR/mongod.log" &
mongod_pid=$!
for attempt in $(seq 1 "${SCRATCH_START_ATTEMPTS:-60}"); do
    if mongosh --quiet --norc --eval 'db.adminCommand("ping").ok' "$local_uri" >/dev/null 2>&1; then
        break
    fi
    kill -0 "$mongod_pid" 2>/dev/null || { tail -n 50 "$SCRATCH_DIR/mongod.log" >&2 || true; fail "the scratch mongod exited"; }
    [ "$attempt" -lt "${SCRATCH_START_ATTEMPTS:-60}" ] || fail "the scratch mongod did not answer"
    sleep 1
done

log "restoring $name into the scratch mongod"
mongorestore --uri="$local_uri" --oplogReplay --gzip --archive="$archive"

log "comparing document counts with the manifest"
MANIFEST_MODE=compare MANIFEST_FILE="$archive.manifest.json" MONGODB_HOSTS="127.0.0.1:$port" \
    MONGODB_USERNAME="" MONGODB_PASSWORD="" mongosh --nodb --quiet --norc --file "$scripts/manifest.js" >&2 ||
    fail "$name restored with document counts that differ from its manifest"

mark_success last-verify-success "$name"
log "$name restores and matches its manifest"
