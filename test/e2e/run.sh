#!/usr/bin/env bash
# `npm run test:cluster`: build (cached) the pinned control plane and linters,
# render every stack, start the control plane on loopback, run the scenarios
# (test/e2e/*.e2e.ts) and the third-party linters, and tear the control plane
# down at the end, also on failure or Ctrl-C.
#
# Exit codes: mocha's (0 = every scenario passed); 3 = the Go module proxy
# could not be reached, so nothing was tested, or PyPI could not be reached and
# every scenario but checkov passed (said so on stderr).
#
# Environment: E2E_KEEP_LOGS=DIR keeps the component logs; E2E_GREP=PATTERN
# runs only matching scenarios.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
cache="${E2E_CACHE:-$root/.cache/e2e}"
export E2E_CACHE="$cache"

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

start=$SECONDS
set +e
bash "$here/build.sh" --go
status=$?
set -e
if [ "$status" != 0 ]; then
    log "build step failed (exit $status)"
    exit "$status"
fi
# checkov alone missing (PyPI out of reach) does not stop the cluster scenarios.
set +e
bash "$here/build.sh" --checkov
checkov_status=$?
set -e
case "$checkov_status" in
    0) ;;
    3) log "PyPI could not be reached: the checkov test is skipped, everything else runs"; export E2E_NO_CHECKOV=1 ;;
    *) log "checkov install failed (exit $checkov_status)"; exit "$checkov_status" ;;
esac
log "tools ready in $((SECONDS - start))s"

# Render every stack with the project's own offline render (schema and policy
# checked); the scenarios and linters read one manifest file per stack.
rendered="$cache/rendered"
rm -rf "$rendered"
mkdir -p "$rendered"
for stack in dev test prod; do
    nice -n 5 node "$root/tools/renderCli.js" "$stack" --out "$cache/render-$stack" > /dev/null
    cp "$cache/render-$stack/manifests.yaml" "$rendered/$stack.yaml"
done
export E2E_RENDERED="$rendered"

state="$cache/cluster-$$"
mocha_pid=""
cleanup() {
    local rc=$?
    if [ -n "$mocha_pid" ] && kill -0 "$mocha_pid" 2>/dev/null; then kill -TERM "$mocha_pid" 2>/dev/null || true; fi
    bash "$here/cluster.sh" down "$state" || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash "$here/cluster.sh" up "$state"
export E2E_KUBECONFIG="$state/kubeconfig"

mocha_args=(--config "$here/mocharc.json")
if [ -n "${E2E_GREP:-}" ]; then mocha_args+=(--grep "$E2E_GREP"); fi
set +e
# In the background and waited for, so that a TERM (CI time limit) or Ctrl-C
# runs the cleanup at once instead of after mocha.
node "$root/node_modules/mocha/bin/mocha.js" "${mocha_args[@]}" &
mocha_pid=$!
wait "$mocha_pid"
status=$?
mocha_pid=""
set -e
# mocha exits with the number of failed tests; 3 of them must not read as
# exit 3, which .ci/run takes for "a registry could not be reached".
[ "$status" = 0 ] || status=1
log "scenarios finished in $((SECONDS - start))s (mocha exit $status)"
if [ "$status" = 0 ] && [ "${E2E_NO_CHECKOV:-}" = 1 ]; then
    log "everything else passed, but checkov did not run (PyPI unreachable): exit 3"
    exit 3
fi
exit "$status"
