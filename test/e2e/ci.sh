#!/usr/bin/env bash
# Called by .ci/run: the cluster scenarios and the manifest linters
# (test/e2e/run.sh), with a time limit and a clear word when a registry is out
# of reach.
#
# Exit codes: 0 all passed; 1 a scenario or linter failed (or the build broke);
# 3 the Go module proxy or PyPI could not be reached, nothing was tested: the
# rest of CI goes on. The last line is mocha's "N passed, N failed" when the
# scenarios ran.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
mkdir -p .build

limit="${E2E_CI_TIMEOUT:-3000}" # seconds: a cold build (~15 min here) plus the scenarios, inside CI's 90 minutes
export E2E_KEEP_LOGS="$root/.build/e2e-logs"

start=$SECONDS
timeout --signal=TERM --kill-after=30 "$limit" bash "$here/run.sh" 2>&1 | tee .build/e2e-run.log
status=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))
# Belt and braces: stop any control plane a killed run left behind (only the
# processes recorded in its own pid file).
for leftover in "$root"/.cache/e2e/cluster-*; do
    [ -d "$leftover" ] && bash "$here/cluster.sh" down "$leftover"
done

case "$status" in
    0) echo "cluster tests passed in ${elapsed}s" ;;
    3)
        echo "cluster tests INCOMPLETE: the Go module proxy or PyPI could not be reached (exit 3); see the lines above for which, and what did run"
        exit 3
        ;;
    124) echo "cluster tests TIMED OUT after ${limit}s (component logs in .build/e2e-logs)"; echo "0 passed, 1 failed"; exit 1 ;;
    *) echo "cluster tests FAILED (exit $status, ${elapsed}s; component logs in .build/e2e-logs)" ;;
esac
# mocha's "N passed, N failed" as the last line, for .ci/run.
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' .build/e2e-run.log | tail -1)
[ -n "$summary" ] && echo "$summary"
exit "$status"
