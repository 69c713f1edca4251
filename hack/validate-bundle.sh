#!/usr/bin/env bash
# Validates olm-bundle/ as `operator-sdk bundle validate --select-optional suite=operatorframework`
# does, with a small program built from operator-framework/api (hack/bundle-validate, its version
# pinned by its go.mod/go.sum). The binary is cached per source hash.
# Usage: hack/validate-bundle.sh [bundle dir]   (default: olm-bundle)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$ROOT/hack/bundle-validate"
CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
HASH=$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" | sha256sum | cut -c1-16)
BIN="$CACHE/bundle-validate/$HASH/bundle-validate"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
if [ ! -x "$BIN" ]; then
  echo "[validate-bundle] building the validator (cold: about 2 min on 2 cores)" >&2
  start=$(date +%s)
  mkdir -p "$(dirname "$BIN")"
  (cd "$SRC" && go build -trimpath -ldflags "-s -w" -o "$BIN.tmp" .)
  mv "$BIN.tmp" "$BIN"
  echo "[validate-bundle] built in $(( $(date +%s) - start ))s" >&2
fi
# Warnings fail too: every warning the suites give on this bundle is one we would want fixed.
exec "$BIN" -warnings-are-errors -accept "$SRC/accepted-warnings.txt" "${1:-$ROOT/olm-bundle}"
