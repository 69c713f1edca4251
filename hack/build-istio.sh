#!/usr/bin/env bash
# Builds Istio's own programs, pilot-discovery (istiod) and istioctl, from the istio.io/istio Go
# module at ISTIO_MODULE_VERSION (hack/versions.env) and caches them per version, the way
# hack/build-k8s.sh caches the Kubernetes binaries. QuickStartIT and hack/demo.sh run them.
#
# The module proxy serves istio.io/istio only as master pseudo-versions (no release tags), so the
# build is of a master commit: v0.0.0-<date>-<commit12>. That commit is stamped into both binaries
# (istio.io/istio/pkg/version: buildVersion = "<commit date>-<commit12>" prefixed "master-",
# buildGitRevision = the commit), so `pilot-discovery version` and `istioctl version --remote=false`
# say exactly what runs.
#
# Layout: $CACHE/istio/<module version>/{pilot-discovery,istioctl}
# Prints the binary directory on its last line of stdout.
#
# Env:
#   ISTIO_MODULE_VERSION  istio.io/istio module version (default in versions.env)
#   ISTIO_OPERATOR_CACHE  cache root (default ~/.cache/istio-operator)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$HERE/versions.env"

CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
MV=$ISTIO_MODULE_VERSION
BIN="$CACHE/istio/$MV"
WORK="$CACHE/build/istio-$MV"
mkdir -p "$BIN" "$WORK"

log() { echo "[build-istio] $*" >&2; }

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOCACHE=${GOCACHE:-$(go env GOCACHE)}

# v0.0.0-20260827124520-eed52ebb66ad -> commit eed52ebb66ad, date 20260827124520
COMMIT=${MV##*-}
STAMP=${MV#v0.0.0-}; STAMP=${STAMP%-*}
VERSION="master-${STAMP}-${COMMIT}"

have_version() { # binary, version args...
  local b=$1 out; shift
  # Capture first: with pipefail, `| grep -q` can fail the pipeline through SIGPIPE.
  [ -x "$b" ] && out=$("$b" "$@" 2>/dev/null) && [[ "$out" == *"$VERSION"* ]]
}

if have_version "$BIN/pilot-discovery" version --short && have_version "$BIN/istioctl" version --remote=false --short; then
  log "istio $VERSION cached in $BIN"
else
  log "building pilot-discovery and istioctl from istio.io/istio@$MV (cold build: ~15-25 min on 2 cores)"
  cd "$WORK"
  GOVER=$(go mod download -json "istio.io/istio@$MV" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p' | xargs sed -n 's/^go \([0-9.]*\)$/\1/p')
  printf 'module local/istiobuild\n\ngo %s\n\nrequire istio.io/istio %s\n' "$GOVER" "$MV" > go.mod
  PKGS="istio.io/istio/pilot/cmd/pilot-discovery istio.io/istio/istioctl/cmd/istioctl"
  log "resolving modules"
  # shellcheck disable=SC2046
  go get $(for p in $PKGS; do echo "$p@$MV"; done) 2>&1 | grep -v '^go: downloading' >&2 || true
  P=istio.io/istio/pkg/version
  LD="-s -w -X $P.buildVersion=$VERSION -X $P.buildGitRevision=$COMMIT -X $P.buildStatus=Clean"
  LD="$LD -X $P.buildTag=$MV -X $P.buildHub=local"
  log "compiling (progress: one line per 200 packages)"
  start=$(date +%s)
  # One build for both so they share compiled packages.
  # shellcheck disable=SC2086
  go build -v -trimpath -ldflags "$LD" -o "$BIN/" $PKGS 2>&1 |
    awk -v s="$start" '/^(go|#|[^ ]+\.go:)/ && !/^[a-z0-9.-]+\// {print > "/dev/stderr"} {n++; if (n % 200 == 0) { printf "[build-istio] %d packages compiled (%ds)\n", n, systime()-s > "/dev/stderr"; fflush() } }'
  have_version "$BIN/pilot-discovery" version --short || { log "ERROR: pilot-discovery was not built"; exit 1; }
  have_version "$BIN/istioctl" version --remote=false --short || { log "ERROR: istioctl was not built"; exit 1; }
  log "pilot-discovery and istioctl built in $(( $(date +%s) - start ))s"
fi

log "binaries ready in $BIN: pilot-discovery $("$BIN/pilot-discovery" version --short 2>/dev/null)"
echo "$BIN"
