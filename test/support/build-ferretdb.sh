#!/usr/bin/env bash
# Builds FerretDB v1 (MongoDB wire protocol over SQLite) from the Go module
# proxy into .cache/bin/ferretdb, for the ops command's real-driver test.
# `go install` alone yields a binary that panics at start: the module expects
# a build/version/version.txt that only its own task runner writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=v1.24.2
bin=.cache/bin/ferretdb
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
    echo "ferretdb $version already built at $bin"
    exit 0
fi
mkdir -p .cache/bin
export GOFLAGS=-mod=mod
src=$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
echo "$version" > "$work/build/version/version.txt"
(cd "$work" && nice -n 10 go build -o "$OLDPWD/$bin" ./cmd/ferretdb)
"$bin" --version >/dev/null
echo "built ferretdb $version at $bin"
