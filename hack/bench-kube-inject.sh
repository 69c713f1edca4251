#!/usr/bin/env bash
# Start cost of `kube-inject` on a small file: `java -jar quarkus-run.jar kube-inject` beside
# hack/kube-inject (plain class path, C1, Serial GC, AppCDS), each run RUNS times (default 5) after
# one untimed run; prints a Markdown table of medians (wall, CPU, peak RSS from /usr/bin/time -v).
# Needs a packaged operator (./mvnw package) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${RUNS:-5}
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw package" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/app.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx, ports: [{containerPort: 8080}]}
YAML

measure() { # label, command...
  local label=$1; shift
  "$@" -f "$tmp/app.yaml" > /dev/null 2>&1 # untimed: fills the CDS cache for the launcher
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -v "$@" -f "$tmp/app.yaml" 2> "$tmp/time" > "$tmp/out"
    awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); w = t[n] + (n > 1 ? t[n-1] * 60 : 0)}
      /User time/ {u = $2} /System time/ {s = $2} /Maximum resident/ {m = $2}
      END {printf "%.2f %.2f %.1f\n", w, u + s, m / 1024}' "$tmp/time"
  done | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
w, c, m = (statistics.median(r[i] for r in rows) for i in range(3))
print(f"| {sys.argv[1]} | {w:.2f} | {c:.2f} | {m:.0f} |")' "$label"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command | wall s (median of $RUNS) | CPU s (user+sys) | peak RSS MiB |"
echo "|---|---|---|---|"
measure 'java -jar quarkus-run.jar kube-inject' java -jar "$JAR" kube-inject
measure 'hack/kube-inject (AppCDS archive cached)' bash hack/kube-inject
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
