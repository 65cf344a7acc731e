# Helpers shared by the backup, uploads, verification and restore scripts.
# Sourced, never run on its own. Bash (the official mongo image has it).
#
# Settings arrive as environment variables set by the Pulumi program; the
# MongoDB password arrives from a Secret through secretKeyRef and is written
# only into a memory-backed file that mongodump/mongorestore read with
# --config, so it never appears on a command line.
set -euo pipefail
export LC_ALL=C

log() {
    printf '%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SCRIPT_NAME:-backup}" "$*" >&2
}

fail() {
    log "FAILED: $*"
    exit 1
}

require_env() {
    local name
    for name in "$@"; do
        [ -n "${!name:-}" ] || fail "environment variable $name is not set"
    done
}

# UTC time stamp used in archive names; sorts lexically in time order.
utc_stamp() {
    date -u +%Y%m%dT%H%M%SZ
}

# Records that a step succeeded, as "<epoch seconds> <detail>", for monitoring.
mark_success() { # $1 status name, $2 detail
    mkdir -p "$BACKUP_DIR/status"
    printf '%s %s\n' "$(date -u +%s)" "$2" >"$BACKUP_DIR/status/$1.tmp"
    mv -f "$BACKUP_DIR/status/$1.tmp" "$BACKUP_DIR/status/$1"
}

# Writes a mongodump/mongorestore --config file: the URI (user name only)
# and the password. printf is a bash builtin, so the password is never an
# argument of an executed program.
render_tools_config() { # $1 file, $2 host list, $3 URI query options
    require_env MONGODB_USERNAME MONGODB_PASSWORD
    case "$MONGODB_USERNAME" in
        *[!A-Za-z0-9._-]*) fail "the MongoDB user name may only hold letters, digits, '.', '_' and '-'" ;;
    esac
    # YAML single-quoted scalar: a quote is written twice.
    local quoted=${MONGODB_PASSWORD//\'/\'\'}
    (
        umask 077
        printf "uri: 'mongodb://%s@%s/?%s'\npassword: '%s'\n" \
            "$MONGODB_USERNAME" "$2" "$3" "$quoted" >"$1"
    )
}

# Runs one of the JavaScript helpers next to this file under mongosh, without
# a connection of its own (the script opens what it needs).
run_js() { # $1 script file name; the environment carries its inputs
    mongosh --nodb --quiet --norc --file "$scripts/$1" >&2
}

# Reads the whole archive $1 (gzip) as mongorestore would and writes what it
# holds to $2 (archive.js): every byte, every namespace's CRC, the oplog's
# last timestamp. Fails when gzip or the archive format is broken.
archive_report() { # $1 archive, $2 report file
    local fifo status=0 writer
    fifo=$(mktemp -u "${TMPDIR:-/tmp}/archive.XXXXXX")
    mkfifo -m 600 "$fifo"
    gzip -dc "$1" >"$fifo" &
    writer=$!
    ARCHIVE_STREAM=$fifo REPORT_FILE=$2 run_js archive.js || status=$?
    # A reader that stopped early (or never opened the FIFO) leaves the writer blocked.
    [ "$status" -eq 0 ] || kill "$writer" 2>/dev/null || true
    wait "$writer" || [ "$status" -ne 0 ] || status=$?
    rm -f "$fifo"
    [ "$status" -eq 0 ] || fail "$(basename "$1") is not a readable mongodump archive"
}

# Asks catalogue.js a question about the archives on the volume; prints the answer.
catalogue() { # $1 mode; further inputs in the environment
    local answer
    answer=$(mktemp "${TMPDIR:-/tmp}/catalogue.XXXXXX")
    CATALOGUE_MODE=$1 CATALOGUE_OUT=$answer run_js catalogue.js || { rm -f "$answer"; fail "catalogue.js $1 failed"; }
    cat "$answer"
    rm -f "$answer"
}

# Records the outcome of a verification, which retention reads.
record_verification() { # $1 ok|failed, $2 archive name
    mkdir -p "$BACKUP_DIR/status"
    printf '%s %s %s\n' "$(date -u +%s)" "$1" "$2" >"$BACKUP_DIR/status/last-verify-result.tmp"
    mv -f "$BACKUP_DIR/status/last-verify-result.tmp" "$BACKUP_DIR/status/last-verify-result"
}

# A random password for a scratch user: 32 characters of [A-Za-z0-9].
random_password() {
    local value=""
    while [ "${#value}" -lt 32 ]; do
        value+=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    done
    printf '%s' "${value:0:32}"
}

# One lock directory on the backup volume serialises database backups,
# verifications and restores: mkdir is atomic, also on NFS. A lock older than
# LOCK_STALE_SECONDS (longer than any Job may run) belongs to a dead pod.
LOCK_HELD=""

# LOCK_ROOT: the claim's root, when BACKUP_DIR is a directory below it (the
# upgrade guard's pre-upgrade backup writes to <claim>/pre-upgrade but must
# serialise with the nightly backup, the verification and a restore).
lock_dir() {
    printf '%s/.lock' "${LOCK_ROOT:-$BACKUP_DIR}"
}

lock_is_stale() {
    local since
    since=$(cut -d' ' -f1 "$(lock_dir)/owner" 2>/dev/null) || return 1
    case "$since" in '' | *[!0-9]*) return 1 ;; esac
    [ $(($(date -u +%s) - since)) -gt "${LOCK_STALE_SECONDS:-86400}" ]
}

acquire_lock() { # $1 what the holder is doing
    local waited=0 poll=${LOCK_POLL_SECONDS:-15} limit=${LOCK_WAIT_SECONDS:-3600}
    until mkdir "$(lock_dir)" 2>/dev/null; do
        if lock_is_stale; then
            log "breaking a stale lock: $(cat "$(lock_dir)/owner" 2>/dev/null || true)"
            rm -rf "$(lock_dir)"
            continue
        fi
        if [ "$waited" -ge "$limit" ]; then
            fail "the backup volume is locked by: $(cat "$(lock_dir)/owner" 2>/dev/null || echo unknown); gave up after ${waited}s"
        fi
        if [ "$waited" -eq 0 ]; then
            log "waiting for the lock held by: $(cat "$(lock_dir)/owner" 2>/dev/null || echo unknown)"
        fi
        sleep "$poll"
        waited=$((waited + poll))
    done
    LOCK_HELD=1
    printf '%s %s on %s\n' "$(date -u +%s)" "$1" "${HOSTNAME:-unknown}" >"$(lock_dir)/owner"
}

release_lock() {
    if [ -n "$LOCK_HELD" ]; then
        rm -rf "$(lock_dir)"
        LOCK_HELD=""
    fi
}

# True when $1 is exactly <prefix>-<YYYYMMDDTHHMMSSZ><suffix>.
is_dated_archive() { # $1 file name, $2 prefix, $3 suffix
    local stamp=${1#"$2-"}
    [ "$stamp" != "$1" ] || return 1
    stamp=${stamp%"$3"}
    [ "$stamp" != "${1#"$2-"}" ] || return 1
    [[ "$stamp" =~ ^[0-9]{8}T[0-9]{6}Z$ ]]
}

# Checks an archive against its "<sha256>  <name>" sidecar.
check_sha256() { # $1 archive
    (cd "$(dirname "$1")" && sha256sum --check --status "$(basename "$1").sha256") ||
        fail "$(basename "$1") does not match its recorded sha256 checksum"
}
