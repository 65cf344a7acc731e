# Shell helpers shared by the build scripts that fetch pinned tools from the
# Go module proxy (test/e2e/build.sh, test/engine/build.sh). Source it after
# setting LOG_TAG; it defines:
#
#   log MSG...            timestamped message on stderr
#   retry CMD...          three attempts with a growing pause; keeps the last status
#   go_download CMD...    runs a `go mod download`/`go mod tidy`-like command with
#                         retries; when the proxy cannot be reached it exits with
#                         $UNREACHABLE (3), which CI reports as "registry unreachable"
#                         rather than as a failure; other errors exit 1.
#   module_dir MOD@VER    the module's directory in the module cache (downloads it)
#   module_gomod MOD@VER  the path of the module's go.mod in the module cache

UNREACHABLE=3
LOG_TAG="${LOG_TAG:-build}"

log() { printf '[%s %s] %s\n' "$LOG_TAG" "$(date +%H:%M:%S)" "$*" >&2; }

retry() {
    local attempt status=0
    for attempt in 1 2 3; do
        "$@" && return 0
        status=$?
        log "attempt $attempt of '$*' failed (exit $status)"
        [ "$attempt" -lt 3 ] && sleep $((attempt * 10))
    done
    return "$status"
}

# Network failures as the go command prints them (net/http and the proxy's
# gateway errors); anything else is a real build problem.
is_network_error() {
    grep -Eqi 'dial tcp|no such host|i/o timeout|connection refused|TLS handshake|proxyconnect|network is unreachable|503 Service|502 Bad' <<<"$1"
}

go_download() {
    local out
    if ! out=$(retry "$@" 2>&1); then
        echo "$out" >&2
        if is_network_error "$out"; then
            log "the Go module proxy ($(go env GOPROXY)) could not be reached"
            exit "$UNREACHABLE"
        fi
        log "module download failed (not a network error): $*"
        exit 1
    fi
}

module_json_field() {
    go_download go mod download -json "$1"
    go mod download -json "$1" | sed -n "s/.*\"$2\": \"\(.*\)\",*/\1/p"
}
module_dir() { module_json_field "$1" Dir; }
module_gomod() { module_json_field "$1" GoMod; }
