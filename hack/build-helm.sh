#!/usr/bin/env bash
# Builds helm from the Go module proxy (helm.sh/helm/v3 cmd/helm) and caches it, as
# hack/build-k8s.sh does for Kubernetes. Used only by GatewayChartComparisonTest, which renders
# Istio's gateway chart from ../shared with `helm template` (never installs anything).
# Prints the binary's path on its last line of stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$HERE/versions.env"
CACHE=${ISTIO_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-operator}
BIN="$CACHE/helm/${HELM_VERSION}-$(go env GOOS)-$(go env GOARCH)"
log() { echo "[build-helm] $*" >&2; }
if [ -x "$BIN/helm" ] && [[ "$("$BIN/helm" version --short 2>/dev/null)" == "${HELM_VERSION}"* ]]; then
  log "helm ${HELM_VERSION} cached in $BIN"
else
  export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
  D="$CACHE/build/helm-${HELM_VERSION}"; mkdir -p "$D" "$BIN"; cd "$D"
  log "building helm ${HELM_VERSION} (a few minutes on 2 cores)"
  printf 'module local/helmbuild\n\ngo 1.26.0\n\nrequire helm.sh/helm/v3 %s\n' "$HELM_VERSION" > go.mod
  go get "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" 2>&1 | grep -v '^go: downloading' >&2 || true
  # helm reports its version from these variables; without them it says v3.x-dirty-unknown.
  go build -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION} -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    -o "$BIN/helm" helm.sh/helm/v3/cmd/helm
  [[ "$("$BIN/helm" version --short)" == "${HELM_VERSION}"* ]] || { log "ERROR: helm was not built"; exit 1; }
fi
echo "$BIN/helm"
