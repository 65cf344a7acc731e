#!/usr/bin/env bash
# A real Kubernetes control plane on loopback, with kwok faking the nodes.
#
#   cluster.sh up   STATE_DIR   generate certificates and keys, start etcd,
#                               kube-apiserver, kube-controller-manager,
#                               kube-scheduler and kwok; install the Route CRD;
#                               write STATE_DIR/kubeconfig
#   cluster.sh down STATE_DIR   stop exactly the processes `up` started (their
#                               pids are in STATE_DIR/pids) and remove the state
#
# Everything listens on 127.0.0.1 only, on free ports picked at start, with
# TLS from a throw-away CA. No kubelet or container runtime: kwok marks pods
# bound by the real scheduler Running/Ready and keeps the fake nodes alive.
# Binaries come from test/e2e/build.sh (.cache/e2e/bin).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${E2E_CACHE:-$root/.cache/e2e}"
bin="$cache/bin"

log() { printf '[e2e-cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# cert NAME CN O SAN: a key and a certificate signed by the test CA.
cert() {
    local name=$1 cn=$2 org=$3 san=$4 dir=$state/pki
    local subj="/CN=$cn"
    [ -n "$org" ] && subj="/O=$org/CN=$cn"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "$subj" 2>/dev/null
    {
        echo "basicConstraints=CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=serverAuth,clientAuth"
        [ -n "$san" ] && echo "subjectAltName=$san"
    } >"$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 2 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
}

start() {
    local name=$1; shift
    "$@" >"$state/logs/$name.log" 2>&1 &
    echo "$! $name" >>"$state/pids"
}

wait_for() {
    local what=$1 seconds=$2; shift 2
    local i
    for ((i = 0; i < seconds * 2; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    log "$what did not come up within ${seconds}s; last log lines:"
    tail -n 30 "$state/logs/"*.log >&2 || true
    return 1
}

up() {
    for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
        [ -x "$bin/$b" ] || { log "missing $bin/$b: run test/e2e/build.sh first"; exit 1; }
    done
    rm -rf "$state"
    mkdir -p "$state/pki" "$state/logs" "$state/etcd"
    : >"$state/pids"

    # --- certificates and keys -------------------------------------------------
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$state/pki/ca.key" -out "$state/pki/ca.crt" \
        -days 2 -subj "/CN=rocketchat-ha-e2e-ca" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
    cert apiserver kube-apiserver "" "IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    cert etcd etcd "" "IP:127.0.0.1,DNS:localhost"
    cert apiserver-etcd-client kube-apiserver-etcd-client "" ""
    cert admin e2e-admin system:masters ""
    openssl genrsa -out "$state/pki/sa.key" 2048 2>/dev/null
    openssl rsa -in "$state/pki/sa.key" -pubout -out "$state/pki/sa.pub" 2>/dev/null
    chmod 600 "$state/pki/"*.key

    local etcd_port etcd_peer api_port kcm_port sched_port kwok_port
    etcd_port=$(free_port); etcd_peer=$(free_port); api_port=$(free_port)
    kcm_port=$(free_port); sched_port=$(free_port); kwok_port=$(free_port)
    local pki=$state/pki server="https://127.0.0.1:$api_port"

    cat >"$state/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: $server
    certificate-authority: $pki/ca.crt
users:
- name: admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: e2e
  context: {cluster: e2e, user: admin}
current-context: e2e
EOF
    local kc=$state/kubeconfig

    # --- etcd ------------------------------------------------------------------
    log "starting etcd on 127.0.0.1:$etcd_port"
    start etcd "$bin/etcd" --name e2e --data-dir "$state/etcd" \
        --listen-client-urls "https://127.0.0.1:$etcd_port" --advertise-client-urls "https://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
        --initial-cluster "e2e=http://127.0.0.1:$etcd_peer" --listen-metrics-urls "" \
        --cert-file "$pki/etcd.crt" --key-file "$pki/etcd.key" --client-cert-auth --trusted-ca-file "$pki/ca.crt" \
        --unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn
    wait_for etcd 30 curl -sf --cacert "$pki/ca.crt" --cert "$pki/apiserver-etcd-client.crt" \
        --key "$pki/apiserver-etcd-client.key" "https://127.0.0.1:$etcd_port/health"

    # --- kube-apiserver ----------------------------------------------------------
    log "starting kube-apiserver on $server"
    start kube-apiserver "$bin/kube-apiserver" \
        --bind-address 127.0.0.1 --secure-port "$api_port" --advertise-address 127.0.0.1 \
        --endpoint-reconciler-type none \
        --etcd-servers "https://127.0.0.1:$etcd_port" --etcd-cafile "$pki/ca.crt" \
        --etcd-certfile "$pki/apiserver-etcd-client.crt" --etcd-keyfile "$pki/apiserver-etcd-client.key" \
        --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
        --client-ca-file "$pki/ca.crt" --cert-dir "$state/pki/apiserver-generated" \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
        --service-cluster-ip-range 10.96.0.0/16 \
        --authorization-mode Node,RBAC \
        --enable-admission-plugins NodeRestriction \
        --profiling=false --v 1
    wait_for kube-apiserver 120 "$bin/kubectl" --kubeconfig "$kc" get --raw /readyz

    # --- kube-controller-manager and kube-scheduler -------------------------------
    log "starting kube-controller-manager and kube-scheduler"
    start kube-controller-manager "$bin/kube-controller-manager" \
        --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
        --bind-address 127.0.0.1 --secure-port "$kcm_port" --cert-dir "$state/pki/kcm-generated" \
        --leader-elect=false --use-service-account-credentials=false \
        --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
        --controllers '*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route' \
        --node-monitor-grace-period 40s --concurrent-deployment-syncs 2 --profiling=false --v 1
    start kube-scheduler "$bin/kube-scheduler" \
        --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
        --bind-address 127.0.0.1 --secure-port "$sched_port" --cert-dir "$state/pki/scheduler-generated" \
        --leader-elect=false --profiling=false --v 1
    wait_for kube-controller-manager 60 curl -sfk "https://127.0.0.1:$kcm_port/healthz"
    wait_for kube-scheduler 60 curl -sfk "https://127.0.0.1:$sched_port/healthz"

    # --- kwok: fake kubelets for nodes annotated kwok.x-k8s.io/node=fake -----------
    log "starting kwok"
    # Our own (empty) configuration, so ~/.kwok/kwok.yaml of whoever runs this
    # does not apply: kwok's default stages (node heartbeat, pod ready, Job
    # pods complete, pod delete) are what the scenarios rely on.
    printf 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n' >"$state/kwok.yaml"
    start kwok "$bin/kwok" --kubeconfig "$kc" --config "$state/kwok.yaml" \
        --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
        --cidr 10.244.0.0/16 --node-ip 10.240.0.1 \
        --node-lease-duration-seconds 40 \
        --server-address "127.0.0.1:$kwok_port"
    wait_for kwok 30 curl -sf "http://127.0.0.1:$kwok_port/healthz"

    # --- CRDs: OpenShift Route (openshift/api), Prometheus Operator monitoring -----
    "$bin/kubectl" --kubeconfig "$kc" apply --server-side -f "$cache/crds/" >/dev/null
    wait_for "CRDs" 30 "$bin/kubectl" --kubeconfig "$kc" wait --for condition=Established crd --all --timeout 5s
    wait_for "default ServiceAccount" 60 "$bin/kubectl" --kubeconfig "$kc" -n default get serviceaccount default
    log "control plane ready: KUBECONFIG=$kc"
}

down() {
    [ -f "$state/pids" ] || { rm -rf "$state"; return 0; }
    local pid name
    # Reverse start order: kwok and controllers first, etcd last.
    tac "$state/pids" | while read -r pid name; do
        if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    for _ in $(seq 1 20); do
        local alive=0
        while read -r pid name; do kill -0 "$pid" 2>/dev/null && alive=1; done <"$state/pids"
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    while read -r pid name; do
        if kill -0 "$pid" 2>/dev/null; then log "killing $name ($pid)"; kill -KILL "$pid" 2>/dev/null || true; fi
    done <"$state/pids"
    if [ "${E2E_KEEP_LOGS:-}" != "" ]; then
        mkdir -p "$E2E_KEEP_LOGS" && cp "$state/logs/"*.log "$E2E_KEEP_LOGS/" 2>/dev/null || true
    fi
    rm -rf "$state"
    log "control plane stopped"
}

cmd=${1:-}
state=${2:-}
[ -n "$state" ] || { echo "usage: $0 up|down STATE_DIR" >&2; exit 2; }
case "$cmd" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down STATE_DIR" >&2; exit 2 ;;
esac
