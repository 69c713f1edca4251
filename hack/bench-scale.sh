#!/usr/bin/env bash
# The operator at cluster scale (README, "Operator at scale"): a local cluster of its own with
# 1,000 namespaces (half labelled istio-injection=enabled) and 10,000 kwok pods, the packaged
# operator (the jar, with the Deployment's heap limit), the demo MeshControlPlane. Prints the table
# (also written to target/bench-scale.md). A benchmark, not a test: nothing is asserted on times.
#
#   hack/bench-scale.sh                                   the defaults (~10 minutes on 2 cores)
#   hack/bench-scale.sh -Dbench.namespaces=100 -Dbench.pods=1000
#   hack/bench-scale.sh -Dbench.jvm="-Xmx128m -XX:+UseSerialGC"   other JVM options
#   hack/bench-scale.sh -Dbench.steady=PT120S             a longer steady-state window
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash hack/build-k8s.sh >/dev/null
# verify packages the jar the bench runs; only the bench class runs (it is not an *IT).
./mvnw -B -q verify -Dspotless.check.skip=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=OperatorScaleBench -Dfailsafe.failIfNoSpecifiedTests=false "$@"
cat target/bench-scale.md
