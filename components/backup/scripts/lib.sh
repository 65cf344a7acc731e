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

# Writes a mongodump/mongorestore --config file: the replica-set URI (user
# name only) and the password. printf is a bash builtin, so the password is
# never an argument of an executed program.
render_tools_config() { # $1 file, $2 URI query options
    require_env MONGODB_USERNAME MONGODB_PASSWORD MONGODB_HOSTS
    case "$MONGODB_USERNAME" in
        *[!A-Za-z0-9._-]*) fail "the backup user name may only hold letters, digits, '.', '_' and '-'" ;;
    esac
    # YAML single-quoted scalar: a quote is written twice.
    local quoted=${MONGODB_PASSWORD//\'/\'\'}
    (
        umask 077
        printf "uri: 'mongodb://%s@%s/?%s'\npassword: '%s'\n" \
            "$MONGODB_USERNAME" "$MONGODB_HOSTS" "$2" "$quoted" >"$1"
    )
}

# One lock directory on the backup volume serialises database backups,
# verifications and restores: mkdir is atomic, also on NFS. A lock older than
# LOCK_STALE_SECONDS (longer than any Job may run) belongs to a dead pod.
LOCK_HELD=""

lock_dir() {
    printf '%s/.lock' "$BACKUP_DIR"
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

# The newest archive in $1 named <prefix>-<stamp><suffix> that has every
# sidecar (<archive><sidecar>) given after the suffix; empty when none.
newest_complete_archive() { # $1 dir, $2 prefix, $3 suffix, $4... sidecar suffixes
    local dir=$1 prefix=$2 suffix=$3 file newest="" sidecar complete
    shift 3
    shopt -s nullglob
    for file in "$dir/$prefix"-*"$suffix"; do
        is_dated_archive "${file##*/}" "$prefix" "$suffix" || continue
        complete=1
        for sidecar in "$@"; do
            [ -f "$file$sidecar" ] || complete=""
        done
        [ -n "$complete" ] && newest=$file
    done
    shopt -u nullglob
    printf '%s' "$newest"
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
