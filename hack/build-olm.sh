#!/usr/bin/env bash
# Builds OLM's olm-operator (`cmd/olm` of github.com/operator-framework/operator-lifecycle-manager,
# from the Go module proxy at OLM_VERSION, no replace directives needed) and caches it with OLM's
# CRDs taken from the very module it was built from. Used by OlmInstallIT.
#
# Layout: $CACHE/olm/<version>-<os>-<arch>/{olm,crds/*.yaml}
# Prints that directory on its last line of stdout.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$HERE/versions.env"

CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
BIN="$CACHE/olm/${OLM_VERSION}-$(go env GOOS)-$(go env GOARCH)"
WORK="$CACHE/build/olm-${OLM_VERSION}"
log() { echo "[build-olm] $*" >&2; }

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
M=github.com/operator-framework/operator-lifecycle-manager

if [ -x "$BIN/olm" ] && [ -s "$BIN/version" ] && [ "$(cat "$BIN/version")" = "$OLM_VERSION" ] &&
   [ "$(find "$BIN/crds" -name '*.yaml' 2>/dev/null | wc -l)" -ge 8 ]; then
  log "olm $OLM_VERSION cached in $BIN"
  echo "$BIN"
  exit 0
fi

log "building olm $OLM_VERSION (cold: about 3 min on 2 cores)"
mkdir -p "$WORK" "$BIN"
cd "$WORK"
printf 'module local/olmbuild\n\ngo 1.25.0\n\nrequire %s %s\n' "$M" "$OLM_VERSION" > go.mod
start=$(date +%s)
go get "$M/cmd/olm@$OLM_VERSION" 2>&1 | grep -v '^go: downloading' >&2 || true
go build -trimpath -ldflags "-s -w" -o "$BIN/olm.tmp" "$M/cmd/olm"
mv "$BIN/olm.tmp" "$BIN/olm"
# OLM's CRDs (CatalogSource, ClusterServiceVersion, InstallPlan, OLMConfig, OperatorCondition,
# OperatorGroup, Operator, Subscription) from the chart of the same module.
DIR=$(go list -m -f '{{.Dir}}' "$M")
rm -rf "$BIN/crds"; mkdir -p "$BIN/crds"
cp "$DIR"/deploy/chart/crds/*.crd.yaml "$BIN/crds/"
chmod -R u+w "$BIN/crds"
echo "$OLM_VERSION" > "$BIN/version"
log "olm $OLM_VERSION built in $(( $(date +%s) - start ))s: $BIN"
echo "$BIN"
