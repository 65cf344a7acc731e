#!/usr/bin/env bash
# Builds, once, the pinned control plane and tools the cluster tests need, from
# Go modules, into a git-ignored cache:
#
#   .cache/e2e/bin/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl,
#                   etcd,kwok,kube-score}
#   .cache/e2e/crds/routes.crd.yaml     (OpenShift Route CRD from openshift/api)
#   .cache/e2e/crds/monitoring.coreos.com_*.yaml (Prometheus Operator CRDs)
#   .cache/e2e/venv/                     (checkov, with --checkov or --all)
#
# Versions come from test/e2e/build/versions.env. A stamp file records what was
# built; a second run with the same pins does nothing (seconds).
#
# Go's module and build caches are the default ones (~/go/pkg/mod and
# ~/.cache/go-build) so that a fresh clone on the same machine reuses the
# compiled packages and only links; override with GOMODCACHE/GOCACHE as usual.
#
# Exit codes: 0 built or cached; 3 a registry (Go module proxy, PyPI) could not
# be reached after retries; anything else is a build failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${E2E_CACHE:-$root/.cache/e2e}"
bin="$cache/bin"
src="$cache/src"
want_go=1 want_checkov=0
for arg in "$@"; do
    case "$arg" in
        --go) want_go=1 want_checkov=0 ;;
        --checkov) want_go=0 want_checkov=1 ;;
        --all) want_go=1 want_checkov=1 ;;
        *) echo "usage: $0 [--go|--checkov|--all]   (default --go)" >&2; exit 2 ;;
    esac
done

# shellcheck source=build/versions.env
source "$here/build/versions.env"
staging_version="v0.${K8S_VERSION#v1.}"

export GOTOOLCHAIN=local
export GOFLAGS="${E2E_GOFLAGS:--p=2 -buildvcs=false -trimpath}"
export CGO_ENABLED=0
nice_cmd=(nice -n 10)
LOG_TAG=e2e-build
# shellcheck source=../lib/go-build.sh
source "$here/../lib/go-build.sh"

stamp_want="k8s=$K8S_VERSION etcd=$ETCD_VERSION kwok=$KWOK_VERSION kube-score=$KUBE_SCORE_VERSION openshift-api=$OPENSHIFT_API_VERSION prometheus-operator=$PROMETHEUS_OPERATOR_VERSION go=$(go env GOVERSION)"
binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kube-score)

have_all() {
    local b
    for b in "${binaries[@]}"; do [ -x "$bin/$b" ] || return 1; done
    [ -s "$cache/crds/routes.crd.yaml" ] || return 1
    [ -s "$cache/crds/monitoring.coreos.com_servicemonitors.yaml" ] || return 1
    [ "$(cat "$bin/.stamp" 2>/dev/null)" = "$stamp_want" ]
}

build_go_tools() {
    local start=$SECONDS
    mkdir -p "$bin" "$src/k8s" "$src/etcd" "$src/openshift-api" "$cache/crds"
    rm -f "$bin/.stamp"

    # --- Kubernetes: wrapper module generated from the template --------------
    log "resolving k8s.io/kubernetes $K8S_VERSION (staging modules at $staging_version)"
    local modjson gomod replaces
    go_download go mod download -json "k8s.io/kubernetes@$K8S_VERSION"
    modjson=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION")
    gomod=$(sed -n 's/.*"GoMod": "\(.*\)",*/\1/p' <<<"$modjson")
    # Every "k8s.io/x => ./staging/src/k8s.io/x" line of the tag's go.mod.
    replaces=$(awk -v v="$staging_version" '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, v }' "$gomod")
    if [ -z "$replaces" ]; then
        log "no staging replace directives found in $gomod"; exit 1
    fi
    log "$(wc -l <<<"$replaces") staging modules replaced"
    awk -v ver="$K8S_VERSION" -v repl="$replaces" '
        /@STAGING_REPLACES@/ { print repl; next }
        { gsub(/@K8S_VERSION@/, ver); print }' "$here/build/k8s/go.mod.tmpl" >"$src/k8s/go.mod"
    (cd "$src/k8s" && go_download go mod tidy)

    local pkg="k8s.io/component-base/version" cpkg="k8s.io/client-go/pkg/version"
    local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
    local vflags="-X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    vflags="$vflags -X $cpkg.gitVersion=$K8S_VERSION -X $cpkg.gitMajor=1 -X $cpkg.gitMinor=$minor"
    local cmd
    for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
        log "building $cmd $K8S_VERSION"
        (cd "$src/k8s" && "${nice_cmd[@]}" go build -ldflags "-s -w $vflags" -o "$bin/$cmd" "k8s.io/kubernetes/cmd/$cmd")
        log "built $cmd (${SECONDS}s since start)"
    done

    # --- etcd: tiny main calling etcdmain.Main -------------------------------
    log "building etcd $ETCD_VERSION"
    sed "s/@ETCD_VERSION@/$ETCD_VERSION/" "$here/build/etcd/go.mod.tmpl" >"$src/etcd/go.mod"
    cp "$here/build/etcd/main.go.tmpl" "$src/etcd/main.go"
    (cd "$src/etcd" && go_download go mod tidy)
    (cd "$src/etcd" && "${nice_cmd[@]}" go build -ldflags "-s -w" -o "$bin/etcd" .)

    # --- kwok and kube-score: plain go install of a pinned version -----------
    log "building kwok $KWOK_VERSION"
    go_download go mod download "sigs.k8s.io/kwok@$KWOK_VERSION"
    GOBIN="$bin" "${nice_cmd[@]}" go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
    log "building kube-score $KUBE_SCORE_VERSION"
    go_download go mod download "github.com/zegl/kube-score@$KUBE_SCORE_VERSION"
    GOBIN="$bin" "${nice_cmd[@]}" go install -ldflags "-s -w" "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"

    # --- OpenShift Route CRD from the openshift/api module --------------------
    local apidir
    go_download go mod download "github.com/openshift/api@$OPENSHIFT_API_VERSION"
    apidir=$(go mod download -json "github.com/openshift/api@$OPENSHIFT_API_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
    local crd
    for crd in route/v1/zz_generated.crd-manifests/routes.crd.yaml route/v1/zz_generated.crd-manifests/routes-Default.crd.yaml; do
        if [ -s "$apidir/$crd" ]; then cp "$apidir/$crd" "$cache/crds/routes.crd.yaml"; break; fi
    done
    [ -s "$cache/crds/routes.crd.yaml" ] || { log "Route CRD not found in openshift/api $OPENSHIFT_API_VERSION"; exit 1; }

    # --- Prometheus Operator CRDs (ServiceMonitor, PodMonitor, PrometheusRule) ---
    local promdir kind
    go_download go mod download "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION"
    promdir=$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
    for kind in servicemonitors podmonitors prometheusrules; do
        cp "$promdir/example/prometheus-operator-crd/monitoring.coreos.com_$kind.yaml" "$cache/crds/monitoring.coreos.com_$kind.yaml"
    done

    echo "$stamp_want" >"$bin/.stamp"
    log "all Go tools built in $((SECONDS - start))s"
}

build_checkov() {
    local venv="$cache/venv"
    if [ -x "$venv/bin/checkov" ] && [ "$(cat "$venv/.stamp" 2>/dev/null)" = "checkov==$CHECKOV_VERSION" ]; then
        return 0
    fi
    log "installing checkov $CHECKOV_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    local out
    if ! out=$(retry "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" 2>&1); then
        echo "$out" >&2
        if grep -Eqi 'NewConnectionError|Connection refused|Max retries exceeded|Temporary failure in name resolution|timed out|ProxyError|Could not fetch URL|from versions: none' <<<"$out"; then
            log "PyPI could not be reached: checkov skipped"
            rm -rf "$venv"
            exit "$UNREACHABLE"
        fi
        rm -rf "$venv"
        exit 1
    fi
    echo "checkov==$CHECKOV_VERSION" >"$venv/.stamp"
}

if [ "$want_go" = 1 ]; then
    if have_all; then
        log "cached: $stamp_want"
    else
        build_go_tools
    fi
fi
if [ "$want_checkov" = 1 ]; then
    build_checkov
    log "checkov $CHECKOV_VERSION ready in $cache/venv"
fi
