#!/usr/bin/env bash
# `npm run test:engine`: build (cached) the Pulumi engine pieces
# (test/engine/build.sh) and the project's control plane (test/e2e/build.sh),
# start the control plane on loopback, run the engine scenarios
# (test/engine/*.engine.ts) and tear the control plane down at the end, also on
# failure or Ctrl-C.
#
# Exit codes: mocha's (0 = every step passed); 3 = the Go module proxy could
# not be reached, so nothing was tested.
#
# Environment: ENGINE_KEEP_LOGS=DIR keeps the control plane's logs;
# ENGINE_KEEP_PROJECT=1 keeps the scratch project and its file backend;
# ENGINE_BUILD_ONLY=1 stops after the builds; ENGINE_SPEC="test/engine/a.engine.ts ..."
# runs only those files.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
export ENGINE_CACHE="${ENGINE_CACHE:-$root/.cache/engine}"
export E2E_CACHE="${E2E_CACHE:-$root/.cache/e2e}"
LOG_TAG=engine
# shellcheck source=../lib/go-build.sh
source "$here/../lib/go-build.sh"

start=$SECONDS
for build in "$here/build.sh" "$root/test/e2e/build.sh --go"; do
    set +e
    bash $build
    status=$?
    set -e
    if [ "$status" != 0 ]; then
        log "build step '$build' failed (exit $status)"
        exit "$status"
    fi
done
log "engine and control plane ready in $((SECONDS - start))s"
[ -n "${ENGINE_BUILD_ONLY:-}" ] && exit 0

state="$ENGINE_CACHE/cluster-$$"
mocha_pid=""
cleanup() {
    local rc=$?
    if [ -n "$mocha_pid" ] && kill -0 "$mocha_pid" 2>/dev/null; then kill -TERM "$mocha_pid" 2>/dev/null || true; fi
    E2E_KEEP_LOGS="${ENGINE_KEEP_LOGS:-}" bash "$root/test/e2e/cluster.sh" down "$state" || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash "$root/test/e2e/cluster.sh" up "$state"
export E2E_KUBECONFIG="$state/kubeconfig"

config="$here/mocharc.json"
if [ -n "${ENGINE_SPEC:-}" ]; then
    # mocha adds command-line spec files to the config's, so the subset gets a config of its own.
    config="$state/mocharc.json"
    # shellcheck disable=SC2086 # a space-separated list of files
    node -e 'const [from, to, ...spec] = process.argv.slice(1); require("fs").writeFileSync(to, JSON.stringify({ ...require(from), spec }));' \
        "$here/mocharc.json" "$config" $ENGINE_SPEC
fi

set +e
# In the background and waited for, so that a TERM (CI time limit) or Ctrl-C
# runs the cleanup at once instead of after mocha.
node "$root/node_modules/mocha/bin/mocha.js" --config "$config" &
mocha_pid=$!
wait "$mocha_pid"
status=$?
mocha_pid=""
set -e
# mocha exits with the number of failed tests; 3 of them must not read as
# exit 3, which .ci/run takes for "a registry could not be reached".
[ "$status" = 0 ] || status=1
log "engine scenarios finished in $((SECONDS - start))s (mocha exit $status)"
exit "$status"
