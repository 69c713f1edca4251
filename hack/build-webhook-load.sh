#!/usr/bin/env bash
# Builds hack/webhook-load (a standard-library-only Go program: the webhook benchmark's load
# generator, a Go net/http client like the kube-apiserver's webhook client) and caches it per source
# hash, as hack/validate-bundle.sh does for its validator. A few seconds cold; no module download.
# Prints the binary's path on its last line of stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$ROOT/hack/webhook-load"
CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
HASH=$( (go version; cat "$SRC/go.mod" "$SRC"/*.go) | sha256sum | cut -c1-16)
BIN="$CACHE/webhook-load/$HASH/webhook-load"
if [ ! -x "$BIN" ]; then
  echo "[build-webhook-load] building $SRC" >&2
  mkdir -p "$(dirname "$BIN")"
  # A temporary name, then a rename: two builds at once never run a half-written binary.
  (cd "$SRC" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN.$$" .)
  mv "$BIN.$$" "$BIN"
fi
echo "$BIN"
