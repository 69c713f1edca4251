#!/usr/bin/env bash
# Builds and runs Istio's own injector benchmarks (BenchmarkInjectServePC0, BenchmarkInjection in
# istio.io/istio/pkg/kube/inject) from the istio.io/istio Go module at ISTIO_MODULE_VERSION. The
# module zip holds the package's tests, their testdata and the charts they render, so no git
# checkout is needed: a scratch module requires istio.io/istio and `go test -c` builds the test
# binary, cached per version like the Kubernetes binaries (hack/build-k8s.sh).
#
#   hack/bench-istio.sh                 runs both benchmarks, prints `go test -bench` output
#   hack/bench-istio.sh -benchtime 5s   extra flags for the test binary (-test. prefix added)
#   hack/bench-istio.sh --build-only    builds (or finds) the binary, prints its path
#
# Env: ISTIO_MODULE_VERSION (hack/versions.env), ISTIO_OPERATOR_CACHE (default
# ~/.cache/istio-operator), BENCH_ISTIO_REGEX (default both benchmarks), BENCH_ISTIO_COUNT (runs per
# benchmark, default 3), BENCH_ISTIO_TIME (-benchtime, default 3s).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$HERE/versions.env"

CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
V=$ISTIO_MODULE_VERSION
BIN="$CACHE/istio-bench/$V"
TEST_BIN="$BIN/inject.test"
WORK="$CACHE/build/istio-bench-$V"

log() { echo "[bench-istio] $*" >&2; }

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOCACHE=${GOCACHE:-$(go env GOCACHE)}

if [ ! -x "$TEST_BIN" ]; then
  log "building Istio's injector test binary from istio.io/istio@$V (cold: ~10 min on 2 cores)"
  mkdir -p "$WORK" "$BIN"
  cd "$WORK"
  printf 'module local/istiobench\n\ngo %s\n\nrequire istio.io/istio %s\n' \
    "$(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/').0" "$V" > go.mod
  # Istio's go.mod has no replace directives, so requiring it resolves its own dependency versions.
  go mod download istio.io/istio 2>&1 | grep -v '^go: downloading' >&2 || true
  go test -c -trimpath -o "$TEST_BIN.tmp" istio.io/istio/pkg/kube/inject 2>&1 |
    grep -v '^go: downloading' >&2 || true
  [ -x "$TEST_BIN.tmp" ] || { log "build failed"; exit 1; }
  mv "$TEST_BIN.tmp" "$TEST_BIN"
fi

if [ "${1:-}" = "--build-only" ]; then
  echo "$TEST_BIN"
  exit 0
fi

# The tests find their testdata and Istio's charts relative to the working directory (the
# package's directory in the module), as `go test` runs them.
mkdir -p "$WORK" && cd "$WORK"
SRC=$(GOFLAGS= go mod download -json "istio.io/istio@$V" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
[ -d "$SRC/pkg/kube/inject" ] || { log "module source not found for istio.io/istio@$V"; exit 1; }

extra=()
for a in "$@"; do
  case "$a" in
    -test.*) extra+=("$a") ;;
    -*) extra+=("-test.${a#-}") ;;
    *) extra+=("$a") ;;
  esac
done

cd "$SRC/pkg/kube/inject"
exec "$TEST_BIN" -test.run '^$' \
  -test.bench "${BENCH_ISTIO_REGEX:-^(BenchmarkInjectServePC0|BenchmarkInjection)$}" \
  -test.benchmem -test.count "${BENCH_ISTIO_COUNT:-3}" -test.benchtime "${BENCH_ISTIO_TIME:-3s}" \
  "${extra[@]}"
