#!/usr/bin/env bash
# Builds the local Kubernetes control plane (kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, etcd, kwok) from the Go module proxy and caches the binaries
# per version. No container engine and no download site is needed, only Go.
#
# Layout (the one fabric8 kube-api-test expects): $CACHE/k8s/<X.Y.Z>-linux-<arch>/<binary>
# Prints the binary directory on its last line of stdout.
#
# Env:
#   K8S_VERSION   Kubernetes version (default below)
#   ETCD_VERSION  etcd version
#   KWOK_VERSION  kwok version
#   ISTIO_OPERATOR_CACHE  cache root (default ~/.cache/istio-operator)
#   KUBEBUILDER_ASSETS    if set and it holds kube-apiserver, etcd and kubectl, nothing is
#                         built for those; the rest is built and linked beside them in the cache.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$HERE/versions.env"

CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
ARCH=$(go env GOARCH)
OS=$(go env GOOS)
V=${K8S_VERSION#v}
BIN="$CACHE/k8s/${V}-${OS}-${ARCH}"
WORK="$CACHE/build"
mkdir -p "$BIN" "$WORK"

log() { echo "[build-k8s] $*" >&2; }

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOCACHE=${GOCACHE:-$(go env GOCACHE)}

have_version() { # binary, expected substring
  # Capture first: with pipefail, `| grep -q` can fail the pipeline through SIGPIPE.
  local out
  [ -x "$1" ] && out=$("$1" --version 2>/dev/null) && [[ "$out" == *"$2"* ]]
}

# --- KUBEBUILDER_ASSETS: reuse pre-built envtest binaries -----------------------------------
if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ]; then
  assets_v=$("$KUBEBUILDER_ASSETS/kube-apiserver" --version | awk '{print $2}')
  V=${assets_v#v}
  BIN="$CACHE/k8s/${V}-${OS}-${ARCH}"
  mkdir -p "$BIN"
  log "using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS (kube-apiserver $assets_v)"
  for b in kube-apiserver etcd kubectl kube-controller-manager kube-scheduler; do
    [ -x "$KUBEBUILDER_ASSETS/$b" ] && ln -sf "$KUBEBUILDER_ASSETS/$b" "$BIN/$b"
  done
  K8S_VERSION="v$V"
fi

MAJOR=${V%%.*}; REST=${V#*.}; MINOR=${REST%%.*}

# --- Kubernetes ------------------------------------------------------------------------------
k8s_ok=1
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  have_version "$BIN/$b" "Kubernetes v$V" || k8s_ok=0
done
kubectl_out=$("$BIN/kubectl" version --client 2>/dev/null || true)
[[ "$kubectl_out" == *"v$V"* ]] || k8s_ok=0

if [ $k8s_ok = 1 ]; then
  log "Kubernetes v$V cached in $BIN"
else
  log "building Kubernetes v$V (cold build: 15-30 min on 2 cores, ~1 GB of modules)"
  D="$WORK/k8s-v$V"; mkdir -p "$D"; cd "$D"
  log "downloading k8s.io/kubernetes@v$V"
  MODFILE=$(go mod download -json "k8s.io/kubernetes@v$V" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
  # k8s.io/kubernetes replaces every staging module with a local path; a consumer must point
  # each of them at its published v0.MINOR.PATCH release instead. Read the list from its go.mod.
  {
    echo "module local/k8sbuild"
    echo
    echo "go $(sed -n 's/^go \([0-9.]*\)$/\1/p' "$MODFILE")"
    echo
    echo "require k8s.io/kubernetes v$V"
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$MODFILE" |
      while read -r m; do echo "	$m => $m v0.$MINOR.${V##*.}"; done
    echo ")"
  } > go.mod
  log "$(grep -c '=> k8s.io' go.mod) staging modules replaced"
  PKGS="k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl"
  log "resolving modules"
  # Pin the version on every package: an unversioned `go get` would move to the newest release.
  # shellcheck disable=SC2046
  go get $(for p in $PKGS; do echo "$p@v$V"; done) 2>&1 | grep -v '^go: downloading' >&2 || true
  LD="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LD="$LD -X $p.gitVersion=v$V -X $p.gitMajor=$MAJOR -X $p.gitMinor=$MINOR -X $p.gitTreeState=clean"
    LD="$LD -X $p.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ) -X $p.gitCommit=module-proxy-build"
  done
  log "compiling (progress: one line per package built)"
  start=$(date +%s)
  # One build for all four so they share compiled packages.
  # shellcheck disable=SC2086
  go build -v -trimpath -ldflags "$LD" -o "$BIN/" $PKGS 2>&1 |
    awk -v s="$start" '{n++; if (n % 200 == 0) { printf "[build-k8s] %d packages compiled (%ds)\n", n, systime()-s > "/dev/stderr"; fflush() } }'
  for b in kube-apiserver kube-controller-manager kube-scheduler; do
    have_version "$BIN/$b" "Kubernetes v$V" || { log "ERROR: $b was not built"; exit 1; }
  done
  log "Kubernetes built in $(( $(date +%s) - start ))s"
fi

# --- etcd ------------------------------------------------------------------------------------
if have_version "$BIN/etcd" "etcd Version: ${ETCD_VERSION#v}"; then
  log "etcd ${ETCD_VERSION} cached"
else
  log "building etcd ${ETCD_VERSION}"
  D="$WORK/etcd-${ETCD_VERSION}"; mkdir -p "$D"; cd "$D"
  E=${ETCD_VERSION}
  # etcd's server module replaces its sibling modules with relative paths; pin them to releases.
  cat > go.mod <<GOMOD
module local/etcdbuild

go 1.26.0

require go.etcd.io/etcd/server/v3 $E

replace (
	go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 $E
	go.etcd.io/etcd/client/pkg/v3 => go.etcd.io/etcd/client/pkg/v3 $E
	go.etcd.io/etcd/client/v3 => go.etcd.io/etcd/client/v3 $E
	go.etcd.io/etcd/pkg/v3 => go.etcd.io/etcd/pkg/v3 $E
)
GOMOD
  go get "go.etcd.io/etcd/server/v3@$E" 2>&1 | grep -v '^go: downloading' >&2 || true
  go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  have_version "$BIN/etcd" "etcd Version: ${ETCD_VERSION#v}" || { log "ERROR: etcd was not built"; exit 1; }
fi

# --- kwok ------------------------------------------------------------------------------------
if have_version "$BIN/kwok" "${KWOK_VERSION}"; then
  log "kwok ${KWOK_VERSION} cached"
else
  log "building kwok ${KWOK_VERSION}"
  D="$WORK/kwok-${KWOK_VERSION}"; mkdir -p "$D"; cd "$D"
  printf 'module local/kwokbuild\n\ngo 1.26.0\n\nrequire sigs.k8s.io/kwok %s\n' "$KWOK_VERSION" > go.mod
  go get "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}" 2>&1 | grep -v '^go: downloading' >&2 || true
  go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION}" -o "$BIN/kwok" sigs.k8s.io/kwok/cmd/kwok
  [ -x "$BIN/kwok" ] || { log "ERROR: kwok was not built"; exit 1; }
fi

# kwok exits with "no stages found" without stages. Take the ones kwok ships ("fast" nodes
# with lease heartbeats, "fast" pods) from the very module it was built from.
if [ ! -s "$BIN/kwok-stages.yaml" ]; then
  KDIR=$(cd "$WORK/kwok-${KWOK_VERSION}" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$KDIR/kustomize/stage/$f"
  done > "$BIN/kwok-stages.yaml.tmp"
  mv "$BIN/kwok-stages.yaml.tmp" "$BIN/kwok-stages.yaml"
fi

log "binaries ready in $BIN: $("$BIN/kube-apiserver" --version)"
echo "$BIN"
