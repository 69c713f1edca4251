#!/usr/bin/env bash
# Fetches the Gateway API CRDs (standard channel) from the Go module sigs.k8s.io/gateway-api
# through the module proxy (`go mod download`), and caches them as one YAML file.
# Prints the file's path on its last line of stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$HERE/versions.env"
CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
OUT="$CACHE/gateway-api/${GATEWAY_API_VERSION}/standard-crds.yaml"
if [ ! -s "$OUT" ]; then
  mkdir -p "$(dirname "$OUT")"
  # The module zip, checked against the checksum database by `go mod download`; read from the
  # zip, because extracting the module needs the Go version its go.mod asks for (>= 1.27).
  # go mod download exits 1 for that reason even though it downloaded and verified the zip.
  ZIP=$( (GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION}" || true) |
    sed -n 's/.*"Zip": "\(.*\)",*/\1/p')
  [ -s "$ZIP" ] || { echo "[gateway-api] module zip not downloaded" >&2; exit 1; }
  PREFIX="sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION}/config/crd/standard"
  # Only the CRDs (not the ValidatingAdmissionPolicy guarding upgrades, nor kustomization.yaml).
  FILES=$(unzip -Z1 "$ZIP" | grep "^$PREFIX/gateway.networking.k8s.io_.*\.yaml$" | grep -v _vap_ | sort)
  [ -n "$FILES" ] || { echo "[gateway-api] no $PREFIX in $ZIP" >&2; exit 1; }
  for f in $FILES; do echo "---"; unzip -p "$ZIP" "$f"; done > "$OUT.tmp"
  mv "$OUT.tmp" "$OUT"
fi
echo "$OUT"
