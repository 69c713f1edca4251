#!/usr/bin/env bash
# The quick start on the embedded local control plane: build the operator, start a local
# Kubernetes (built from Go modules on first use), run the operator against it, apply
# samples/meshcontrolplane-demo.yaml, print what it created and its status, uninstall, stop.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash hack/build-k8s.sh >/dev/null
./mvnw -B -q package -DskipTests -Dspotless.check.skip=true
exec ./mvnw -B -q exec:exec@demo
