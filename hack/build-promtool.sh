#!/usr/bin/env bash
# Builds promtool (github.com/prometheus/prometheus/cmd/promtool) from the Go module proxy, once,
# and caches it like hack/build-k8s.sh caches the Kubernetes binaries. The tests use it to run
# `promtool check config` on the Prometheus configuration this operator generates.
#
# Layout: $CACHE/promtool/<version>/promtool. Prints the binary's path on its last line of stdout.
#
# Env:
#   PROMETHEUS_MODULE_VERSION  Go module version of github.com/prometheus/prometheus (default below;
#                              v0.3XX.Y is Prometheus 3.XX.Y)
#   ISTIO_OPERATOR_CACHE       cache root (default ~/.cache/istio-operator)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$HERE/versions.env"

V=${PROMETHEUS_MODULE_VERSION}
CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
BIN="$CACHE/promtool/$V"
WORK="$CACHE/build/promtool-$V"
mkdir -p "$BIN" "$WORK"

log() { echo "[build-promtool] $*" >&2; }

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOCACHE=${GOCACHE:-$(go env GOCACHE)}

have_version() {
  local out
  [ -x "$1" ] && out=$("$1" --version 2>/dev/null) && [[ "$out" == *"$2"* ]]
}

if have_version "$BIN/promtool" "$V"; then
  log "promtool $V cached in $BIN"
else
  log "building promtool from github.com/prometheus/prometheus@$V (a few minutes cold)"
  cd "$WORK"
  # A module of our own that requires Prometheus' (its replace directives would stop
  # `go install pkg@version`); the go directive follows the local toolchain.
  printf 'module local/promtoolbuild\n\ngo %s\n\nrequire github.com/prometheus/prometheus %s\n' \
    "$(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/').0" "$V" > go.mod
  go get "github.com/prometheus/prometheus/cmd/promtool@$V" 2>&1 | grep -v '^go: downloading' >&2 || true
  go build -trimpath \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=$V -X github.com/prometheus/common/version.Branch=module" \
    -o "$BIN/promtool" github.com/prometheus/prometheus/cmd/promtool
  have_version "$BIN/promtool" "$V" || { log "ERROR: promtool was not built"; exit 1; }
  log "promtool $V built"
fi
echo "$BIN/promtool"
