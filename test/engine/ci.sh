#!/usr/bin/env bash
# Called by .ci/run: the engine tests (test/engine/run.sh) inside what is left
# of CI's 90 minutes.
#
# The builds run first with their own limit: a cold build of the CLI and the
# kubernetes provider takes longer than CI has left after a cold control-plane
# build on a small machine (docs/engine-tests.md has the figures). When the
# builds do not finish in time the step says so and exits 3, like an
# unreachable registry: nothing was tested, nothing failed, and Go's build
# cache keeps every package compiled so far, so the next run finishes the
# build. Once built, a scenario that runs out of time is a failure.
#
# Exit codes: 0 all passed; 1 a step failed (or a build broke); 3 the Go
# module proxy could not be reached or the builds did not fit in the time
# left. The last line is mocha's "N passed, N failed" when the steps ran.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
mkdir -p .build

ci_limit="${CI_TIME_LIMIT:-5400}"             # CI's 90 minutes
ci_started="${CI_STARTED_AT:-$(date +%s)}"     # set by .ci/run
margin=180                                     # the summary and teardown after us
left=$((ci_limit - ($(date +%s) - ci_started) - margin))
test_budget="${ENGINE_TEST_BUDGET:-1200}"      # the scenarios take ~10 min warm
export ENGINE_KEEP_LOGS="$root/.build/engine-logs"

build_limit=$((left - test_budget))
if [ "$build_limit" -lt 60 ]; then
    echo "engine tests NOT RUN: only ${left}s of CI time left, the scenarios need ${test_budget}s"
    exit 3
fi
start=$SECONDS
ENGINE_BUILD_ONLY=1 timeout --signal=TERM --kill-after=30 "$build_limit" bash "$here/run.sh" 2>&1 | tee .build/engine-build.log
status=${PIPESTATUS[0]}
case "$status" in
    0) echo "engine and control plane built or cached in $((SECONDS - start))s" ;;
    3) echo "engine tests NOT RUN: the Go module proxy could not be reached (exit 3)"; exit 3 ;;
    124) echo "engine tests NOT RUN: the cold build did not finish in the ${build_limit}s CI had left; the compiled packages stay in Go's build cache for the next run"; exit 3 ;;
    *) echo "engine build FAILED (exit $status)"; echo "0 passed, 1 failed"; exit 1 ;;
esac

limit=$((left - (SECONDS - start)))
timeout --signal=TERM --kill-after=30 "$limit" bash "$here/run.sh" 2>&1 | tee .build/engine-run.log
status=${PIPESTATUS[0]}
for leftover in "${ENGINE_CACHE:-$root/.cache/engine}"/cluster-*; do
    [ -d "$leftover" ] && bash "$root/test/e2e/cluster.sh" down "$leftover"
done
case "$status" in
    0) echo "engine tests passed in $((SECONDS - start))s" ;;
    3) echo "engine tests NOT RUN: the Go module proxy could not be reached (exit 3)"; exit 3 ;;
    124) echo "engine tests TIMED OUT after ${limit}s (control plane logs in .build/engine-logs)"; echo "0 passed, 1 failed"; exit 1 ;;
    *) echo "engine tests FAILED (exit $status; control plane logs in .build/engine-logs)" ;;
esac
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' .build/engine-run.log | tail -1)
[ -n "$summary" ] && echo "$summary"
exit "$status"
