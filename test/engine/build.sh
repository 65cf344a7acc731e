#!/usr/bin/env bash
# Builds, once, the real Pulumi engine pieces the engine tests need, from the
# Go module proxy only, into a git-ignored cache (.cache/engine):
#
#   bin/pulumi                    the CLI, pkg/v3 $PULUMI_VERSION (cmd/pulumi)
#   host/pulumi-language-nodejs   the Node.js language host of sdk/v3 $NODEJS_HOST_SDK_VERSION
#   analyzer/pulumi-analyzer-policy-nodejs
#                                 the policy-pack launcher script that module ships
#                                 (nodejs/dist/pulumi-analyzer-policy), see lib/policyRun.ts
#   home/plugins/resource-kubernetes-v<SDK's version>/pulumi-resource-kubernetes
#                                 pulumi-kubernetes provider $KUBERNETES_PROVIDER_SOURCE_VERSION,
#                                 installed under the version @pulumi/kubernetes asks for
#   home/plugins/resource-random-v<SDK's version>/pulumi-resource-random
#                                 the TEST DOUBLE of test/engine/random-double
#
# Usage: build.sh [cli|host|kubernetes|random]...   (default: all four)
# Each piece has its own stamp (versions + Go version); a second run with the
# same pins does nothing (seconds). Build times go to .cache/engine/timings.log
# (a first build with Go's caches cold is the cold time; later rebuilds only link).
#
# Go's module and build caches are the default ones, shared with test/e2e.
#
# Exit codes: 0 built or cached; 3 the Go module proxy could not be reached
# after retries; anything else is a build failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${ENGINE_CACHE:-$root/.cache/engine}"
bin="$cache/bin"
plugins="$cache/home/plugins"
src="$cache/src"

# shellcheck source=build/versions.env
source "$here/build/versions.env"
export GOTOOLCHAIN=local
export GOFLAGS="${ENGINE_GOFLAGS:--p=2 -buildvcs=false -trimpath}"
export CGO_ENABLED=0
nice_cmd=(nice -n "${ENGINE_NICE:-15}")
LOG_TAG=engine-build
# shellcheck source=../lib/go-build.sh
source "$here/../lib/go-build.sh"

sdk_plugin_version() { # the plugin version an npm SDK package asks the engine for
    node -p "require('$root/node_modules/@pulumi/$1/package.json').version"
}
KUBERNETES_PLUGIN_VERSION=$(sdk_plugin_version kubernetes)
RANDOM_PLUGIN_VERSION=$(sdk_plugin_version random)
goversion=$(go env GOVERSION)
sdk_version_pkg=github.com/pulumi/pulumi/sdk/v3/go/common/version

# write_wrapper DIR MODULE_NAME TOOL_PACKAGE UPSTREAM@VERSION REQUIRE...:
# a go.mod that requires the given modules, carries the non-local replace
# directives of the upstream module whose command we build (they only apply
# in the main module), and names the command as a tool so `go mod tidy`
# keeps its dependencies.
write_wrapper() {
    local dir=$1 name=$2 tool=$3 upstream=$4; shift 4
    local upstream_gomod
    upstream_gomod=$(module_gomod "$upstream")
    mkdir -p "$dir"
    {
        printf 'module %s\n\ngo 1.25\n\nrequire (\n' "$name"
        printf '\t%s\n' "$@"
        printf ')\n\n'
        awk '$1 == "replace" && $3 == "=>" && $4 !~ /^\.\.?\// { print }' "$upstream_gomod"
        [ -n "$tool" ] && printf '\ntool %s\n' "$tool"
    } >"$dir/go.mod"
    (cd "$dir" && go_download go mod tidy)
}

# piece NAME STAMP BUILD_FUNCTION OUTPUT: runs BUILD_FUNCTION unless OUTPUT
# exists and was built with the same STAMP; records the time taken.
piece() {
    local name=$1 stamp=$2 fn=$3 out=$4 stamp_file="$cache/stamps/$1"
    if [ -x "$out" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
        log "$name cached ($stamp)"
        return 0
    fi
    local start=$SECONDS
    rm -f "$stamp_file"
    log "building $name ($stamp)"
    "$fn"
    echo "$stamp" >"$stamp_file"
    log "built $name in $((SECONDS - start))s"
    echo "$(date -u +%FT%TZ) $name build_seconds=$((SECONDS - start)) $stamp" >>"$cache/timings.log"
}

build_cli() {
    write_wrapper "$src/cli" rocketchat-ha/engine/cli github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
        "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" \
        "github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION"
    (cd "$src/cli" && "${nice_cmd[@]}" go build -ldflags "-s -w -X $sdk_version_pkg.Version=$PULUMI_VERSION" \
        -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
}

build_host() {
    write_wrapper "$src/host" rocketchat-ha/engine/host github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
        "github.com/pulumi/pulumi/sdk/v3@$NODEJS_HOST_SDK_VERSION" \
        "github.com/pulumi/pulumi/sdk/v3 $NODEJS_HOST_SDK_VERSION"
    (cd "$src/host" && "${nice_cmd[@]}" go build -ldflags "-s -w -X $sdk_version_pkg.Version=$NODEJS_HOST_SDK_VERSION" \
        -o "$cache/host/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
    mkdir -p "$cache/analyzer"
    install -m 0755 "$(module_dir "github.com/pulumi/pulumi/sdk/v3@$NODEJS_HOST_SDK_VERSION")/nodejs/dist/pulumi-analyzer-policy" \
        "$cache/analyzer/pulumi-analyzer-policy-nodejs"
}

build_kubernetes() {
    local module="github.com/pulumi/pulumi-kubernetes/provider/v4@$KUBERNETES_PROVIDER_MODULE_VERSION"
    local dir="$src/kubernetes" cmd_dir
    # main.go embeds the versioned schema that generate.go writes, so the
    # command is built as the wrapper's own main package.
    cmd_dir="$(module_dir "$module")/cmd/pulumi-resource-kubernetes"
    mkdir -p "$dir"
    cp "$cmd_dir"/main.go "$cmd_dir"/generate.go "$cmd_dir"/schema.json "$cmd_dir"/terraform-mapping.json "$dir/"
    chmod u+w "$dir"/*
    write_wrapper "$dir" rocketchat-ha/engine/kubernetes "" "$module" \
        "github.com/pulumi/pulumi-kubernetes/provider/v4 $KUBERNETES_PROVIDER_MODULE_VERSION"
    (cd "$dir" && VERSION="$KUBERNETES_PROVIDER_SOURCE_VERSION" "${nice_cmd[@]}" go run generate.go)
    local out="$plugins/resource-kubernetes-v$KUBERNETES_PLUGIN_VERSION"
    mkdir -p "$out"
    (cd "$dir" && "${nice_cmd[@]}" go build \
        -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_PROVIDER_SOURCE_VERSION" \
        -o "$out/pulumi-resource-kubernetes" .)
}

build_random() {
    local out="$plugins/resource-random-v$RANDOM_PLUGIN_VERSION"
    mkdir -p "$out"
    (cd "$here/random-double" && go_download go mod download)
    # The double's own tests: it must keep upstream's input rules.
    (cd "$here/random-double" && "${nice_cmd[@]}" go test ./...)
    (cd "$here/random-double" && "${nice_cmd[@]}" go build -ldflags "-s -w -X main.version=$RANDOM_PLUGIN_VERSION+test-double" \
        -o "$out/pulumi-resource-random" .)
}

pieces=("$@")
[ ${#pieces[@]} -eq 0 ] && pieces=(cli host kubernetes random)
mkdir -p "$bin" "$cache/host" "$cache/stamps" "$plugins" "$src"
for p in "${pieces[@]}"; do
    case "$p" in
        cli) piece cli "pulumi=$PULUMI_VERSION go=$goversion" build_cli "$bin/pulumi" ;;
        host) piece host "sdk=$NODEJS_HOST_SDK_VERSION go=$goversion" build_host "$cache/host/pulumi-language-nodejs" ;;
        kubernetes) piece kubernetes "module=$KUBERNETES_PROVIDER_MODULE_VERSION as=$KUBERNETES_PLUGIN_VERSION go=$goversion" build_kubernetes \
            "$plugins/resource-kubernetes-v$KUBERNETES_PLUGIN_VERSION/pulumi-resource-kubernetes" ;;
        random) piece random "double=$(cat "$here"/random-double/*.go "$here"/random-double/go.sum | sha256sum | cut -c1-16) as=$RANDOM_PLUGIN_VERSION go=$goversion" \
            build_random "$plugins/resource-random-v$RANDOM_PLUGIN_VERSION/pulumi-resource-random" ;;
        *) echo "usage: $0 [cli|host|kubernetes|random]..." >&2; exit 2 ;;
    esac
done
