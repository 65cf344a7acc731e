#!/usr/bin/env bash
# `npm run test:sso`: single sign-on against a real Keycloak. Fetches (once,
# cached in .cache/keycloak) the Keycloak distribution from Maven Central,
# picks a JDK, and runs test/sso/*.sso.ts, which start and stop Keycloak
# themselves. See README.md "Single sign-on with Keycloak".
#
# Exit codes: mocha's (0 = every test passed); 3 = Maven Central could not be
# reached, so nothing was tested (said so on stdout).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
version=26.7.3 # keep in step with keycloakVersion in test/sso/keycloakServer.ts
cache="$root/.cache/keycloak"
zip="$cache/keycloak-quarkus-dist-$version.zip"
mkdir -p "$cache"

log() { printf '[sso %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

retry() {
    local attempt
    for attempt in 1 2 3; do
        "$@" && return 0
        log "attempt $attempt of '$*' failed"
        [ "$attempt" = 3 ] || sleep $((attempt * 10))
    done
    return 1
}

start=$SECONDS
if [ ! -x "$cache/keycloak-$version/bin/kc.sh" ]; then
    if [ ! -f "$zip" ]; then
        command -v mvn > /dev/null || { echo "Maven (mvn, Debian package 'maven') is needed to fetch Keycloak from Maven Central"; exit 1; }
        log "fetching org.keycloak:keycloak-quarkus-dist:$version:zip from Maven Central"
        if ! retry mvn -q -B dependency:copy "-Dartifact=org.keycloak:keycloak-quarkus-dist:$version:zip" "-DoutputDirectory=$cache"; then
            if ! curl -sfI --max-time 30 "https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/$version/keycloak-quarkus-dist-$version.pom" > /dev/null; then
                echo "SSO tests SKIPPED: Maven Central (repo.maven.apache.org) could not be reached, so Keycloak $version could not be fetched; nothing was tested"
                exit 3
            fi
            echo "Keycloak $version could not be fetched although Maven Central answers; see the Maven output above"
            exit 1
        fi
    fi
    log "unpacking $(basename "$zip")"
    rm -rf "$cache/keycloak-$version.partial"
    mkdir -p "$cache/keycloak-$version.partial"
    unzip -q "$zip" -d "$cache/keycloak-$version.partial"
    mv "$cache/keycloak-$version.partial/keycloak-$version" "$cache/keycloak-$version"
    rm -rf "$cache/keycloak-$version.partial"
fi
log "Keycloak $version ready in $((SECONDS - start))s"

# Keycloak 26 runs on Java 17+ and starts markedly faster on a current JDK:
# take the newest JDK under /usr/lib/jvm (Temurin 25 on the CI image) unless
# KEYCLOAK_JAVA_HOME names one.
if [ -z "${KEYCLOAK_JAVA_HOME:-}" ]; then
    best=0
    for jdk in /usr/lib/jvm/*/; do
        [ -x "$jdk/bin/java" ] || continue
        major=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
        if [ -n "$major" ] && [ "${major%%.*}" -gt "$best" ]; then best=${major%%.*}; KEYCLOAK_JAVA_HOME=${jdk%/}; fi
    done
fi
if [ -n "${KEYCLOAK_JAVA_HOME:-}" ]; then
    export KEYCLOAK_JAVA_HOME
    log "Java for Keycloak: $KEYCLOAK_JAVA_HOME"
else
    log "Java for Keycloak: java on PATH"
fi

mocha_pid=""
cleanup() {
    local rc=$?
    if [ -n "$mocha_pid" ] && kill -0 "$mocha_pid" 2>/dev/null; then kill -TERM "$mocha_pid" 2>/dev/null || true; sleep 2; fi
    # The tests stop Keycloak themselves; a killed run leaves its pid file,
    # naming the process group of the kc.sh it started.
    for pidfile in "$cache"/installation-*/test-sso.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill -KILL -- "-$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

set +e
node "$root/node_modules/mocha/bin/mocha.js" --config "$here/mocharc.json" "$@" &
mocha_pid=$!
wait "$mocha_pid"
status=$?
mocha_pid=""
set -e
# mocha exits with the number of failed tests; 3 of them must not read as
# exit 3, which .ci/run takes for "a registry could not be reached".
[ "$status" = 0 ] || status=1
log "finished in $((SECONDS - start))s (mocha exit $status)"
exit "$status"
