#!/usr/bin/env bash
# Prunes a directory of dated archives after a successful run:
#
#   retention.sh <dir> <prefix> <suffix> <keep> [<required sidecar suffix>...]
#
# An archive is <prefix>-<YYYYMMDDTHHMMSSZ><suffix>; its sidecars are files
# named <archive><sidecar suffix> (checksum, manifest). It is "good" when every
# required sidecar exists, because the backup writes them before it renames
# the archive into place. The newest <keep> good archives are kept; older good
# ones are deleted with their sidecars; leftovers of failed runs (*.partial,
# sidecars whose archive is gone) are deleted. Archives that are not good and
# files that do not follow the naming scheme are never touched.
#
# Only call it after a new archive succeeded and while no other run writes to
# <dir>: a failed dump must never delete anything.
set -euo pipefail
SCRIPT_NAME=${SCRIPT_NAME:-retention}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "$#" -ge 4 ] || fail "usage: retention.sh <dir> <prefix> <suffix> <keep> [<required sidecar suffix>...]"
dir=$1 prefix=$2 suffix=$3 keep=$4
shift 4
case "$keep" in '' | *[!0-9]* | 0) fail "keep must be a whole number of at least 1, got '$keep'" ;; esac
[ -d "$dir" ] || fail "$dir is not a directory"

shopt -s nullglob
good=()
for file in "$dir/$prefix"-*"$suffix"; do
    name=${file##*/}
    is_dated_archive "$name" "$prefix" "$suffix" || continue
    missing=""
    for sidecar in "$@"; do
        [ -f "$file$sidecar" ] || missing="$missing $sidecar"
    done
    if [ -n "$missing" ]; then
        log "leaving $name alone: it lacks$missing, so it is not counted as a good archive"
    else
        good+=("$file")
    fi
done

# The glob sorts by name, which is by time stamp: the newest are last.
excess=$((${#good[@]} - keep))
for ((i = 0; i < excess; i++)); do
    log "pruning ${good[i]##*/} (keeping the newest $keep good archives)"
    rm -f -- "${good[i]}" "${good[i]}".*
done

for file in "$dir/$prefix"-*.partial; do
    log "removing ${file##*/}, left over by a failed or interrupted run"
    rm -f -- "$file"
done

for file in "$dir/$prefix"-*"$suffix".*; do
    archive="$dir/${file##*/}"
    archive="${archive%"$suffix".*}$suffix"
    if [ ! -e "$archive" ]; then
        log "removing ${file##*/}: its archive no longer exists"
        rm -f -- "$file"
    fi
done
log "$dir keeps $((excess > 0 ? keep : ${#good[@]})) good archive(s)"
