#!/usr/bin/env bash
# Restore test, run by the verification CronJob: a dump is only proven by
# restoring it the way production restores it. Takes the newest complete
# archive, checks its checksum, reads it whole, starts a scratch mongod WITH
# authentication, creates in it the restore identity from the same role
# definition the replica-set bootstrap uses (scratchUsers.js), restores as
# that identity with --oplogReplay, and compares the document count of every
# collection with the exact counts in the manifest. The outcome is recorded
# next to the archive (.verified or .verify-failed) and in
# status/last-verify-result, which retention reads; success also in
# status/last-verify-success for monitoring.
set -euo pipefail
SCRIPT_NAME=verify
scripts=$(dirname "${BASH_SOURCE[0]}")
. "$scripts/lib.sh"

require_env BACKUP_DIR ARCHIVE_PREFIX SCRATCH_DIR TOOLS_CONFIG_DIR RESTORE_ROLE_FILE SCRATCH_RESTORE_USER
dir="$BACKUP_DIR/mongodb"
port=${SCRATCH_PORT:-27017}
scratch_host="127.0.0.1:$port"

mongod_pid=""
name=""
verdict=""
cleanup() {
    local status=$?
    if [ -n "$mongod_pid" ]; then
        kill "$mongod_pid" 2>/dev/null || true
        wait "$mongod_pid" 2>/dev/null || true
    fi
    if [ -n "$name" ] && [ -z "$verdict" ]; then
        # Any failure after an archive was chosen is a failed verification.
        printf '%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$dir/$name.verify-failed" || true
        record_verification failed "$name" || true
    fi
    rm -f -- "$TOOLS_CONFIG_DIR/tools.yaml"
    release_lock
    exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# The lock keeps the backup's pruning away from the archive under test.
acquire_lock "verification"
name=$(catalogue newest)
[ -n "$name" ] || fail "no complete archive (with checksum and manifest) in $dir"
archive="$dir/$name"
log "verifying $name"
check_sha256 "$archive"
archive_report "$archive" "$SCRATCH_DIR/archive.json"

mkdir -p "$SCRATCH_DIR/db"
mongod --dbpath "$SCRATCH_DIR/db" --bind_ip 127.0.0.1 --port "$port" --auth \
    --wiredTigerCacheSizeGB "${SCRATCH_CACHE_GB:-0.25}" --logpath "$SCRATCH_DIR/mongod.log" &
mongod_pid=$!
for attempt in $(seq 1 "${SCRATCH_START_ATTEMPTS:-60}"); do
    # ping needs no authentication.
    if mongosh --quiet --norc --eval 'db.adminCommand("ping").ok' "mongodb://$scratch_host/" >/dev/null 2>&1; then
        break
    fi
    kill -0 "$mongod_pid" 2>/dev/null || { tail -n 50 "$SCRATCH_DIR/mongod.log" >&2 || true; fail "the scratch mongod exited"; }
    [ "$attempt" -lt "${SCRATCH_START_ATTEMPTS:-60}" ] || fail "the scratch mongod did not answer"
    sleep "${SCRATCH_POLL_SECONDS:-1}"
done

log "creating the restore identity in the scratch mongod"
verify_password="$(random_password)"
SCRATCH_URI_HOST=$scratch_host SCRATCH_ADMIN_PASSWORD="$(random_password)" VERIFY_PASSWORD="$verify_password" run_js scratchUsers.js ||
    fail "the restore identity could not be created in the scratch mongod"

log "restoring $name as $SCRATCH_RESTORE_USER with --oplogReplay, as production does"
MONGODB_USERNAME="$SCRATCH_RESTORE_USER" MONGODB_PASSWORD="$verify_password" \
    render_tools_config "$TOOLS_CONFIG_DIR/tools.yaml" "$scratch_host" "directConnection=true&authSource=admin"
mongorestore --config="$TOOLS_CONFIG_DIR/tools.yaml" --oplogReplay --gzip --archive="$archive"

log "comparing document counts with the manifest's exact counts"
MANIFEST_MODE=compare MANIFEST_FILE="$archive.manifest.json" MONGODB_HOSTS="$scratch_host" \
    MONGODB_URI_OPTIONS="directConnection=true&authSource=admin" MONGODB_USERNAME=$SCRATCH_RESTORE_USER \
    MONGODB_PASSWORD="$verify_password" run_js manifest.js ||
    fail "$name restored with document counts that differ from its manifest"

verdict=ok
printf '%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$archive.verified"
rm -f -- "$archive.verify-failed"
record_verification ok "$name"
mark_success last-verify-success "$name"
log "$name restores as production restores and matches its manifest exactly"
