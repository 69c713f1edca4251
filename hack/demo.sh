#!/usr/bin/env bash
# Istio's quick start, the operator way, on the local cluster: builds the operator, the local
# Kubernetes binaries and Istio's pilot-discovery + istioctl (from Go modules, cached), then runs
# the cluster, the packaged operator and the real istiod in a network namespace of their own
# (src/test/java/dev/meshoperator/testing/Demo.java): demo mesh, label, Bookinfo, Gateway validated
# and a broken VirtualService refused by istiod, istioctl analyze, GATEWAY_URL, uninstall.
# Needs root (ip netns). Leaves no process and no network namespace behind.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# If the demo's JVM is killed before its own cleanup runs, stop what runs in its network
# namespace (iop-qs-<pid> whose pid is gone) and delete the namespace.
cleanup() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^iop-qs-[0-9]*$' || true); do
    pid=${ns#iop-qs-}
    if ! kill -0 "$pid" 2>/dev/null; then
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

bash hack/build-k8s.sh >/dev/null
bash hack/build-istio.sh >/dev/null
./mvnw -B -q package -DskipTests -Dspotless.check.skip=true
start=$(date +%s)
./mvnw -B -q exec:exec@demo
echo "demo.sh: the flow ran in $(( $(date +%s) - start )) s (binaries cached, operator built)"
