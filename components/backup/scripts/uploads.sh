#!/usr/bin/env bash
# Uploads archive, run by its own CronJob when Rocket.Chat stores uploads on a
# FileSystem volume: tar the read-only mounted uploads into <archive>.partial,
# test it, write its checksum, rename it into place, then prune to the newest
# UPLOADS_RETENTION good archives. A failure deletes only this run's partial file.
set -euo pipefail
SCRIPT_NAME=uploads
scripts=$(dirname "${BASH_SOURCE[0]}")
. "$scripts/lib.sh"

require_env BACKUP_DIR ARCHIVE_PREFIX UPLOADS_DIR UPLOADS_RETENTION
dir="$BACKUP_DIR/uploads"
prefix="$ARCHIVE_PREFIX-uploads"
mkdir -p "$dir"
[ -d "$UPLOADS_DIR" ] || fail "$UPLOADS_DIR is not mounted"

name="$prefix-$(utc_stamp).tar.gz"
archive="$dir/$name"
[ ! -e "$archive" ] || fail "$name already exists"
partials=("$archive.partial" "$archive.sha256")
trap 'status=$?; [ "$status" -eq 0 ] || rm -f -- "${partials[@]}"; exit "$status"' EXIT
trap 'exit 143' TERM INT

log "archiving $UPLOADS_DIR to $name.partial"
# GNU tar exits 1 when a file changed while it was read (an upload in
# progress): the archive is still usable, that file is picked up next time.
status=0
tar --create --gzip --file="$archive.partial" --directory="$UPLOADS_DIR" . || status=$?
[ "$status" -le 1 ] || fail "tar exited with $status"
[ "$status" -eq 0 ] || log "some files changed while they were read; they are archived as found"
gzip -t "$archive.partial"

sum=$(sha256sum "$archive.partial" | cut -d' ' -f1)
printf '%s  %s\n' "$sum" "$name" >"$archive.sha256"
mv -- "$archive.partial" "$archive"
partials=()
log "wrote $name ($(stat -c %s "$archive") bytes, sha256 $sum)"
mark_success last-uploads-success "$name"

bash "$scripts/retention.sh" "$dir" "$prefix" .tar.gz "$UPLOADS_RETENTION" .sha256
