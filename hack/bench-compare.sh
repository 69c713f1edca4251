#!/usr/bin/env bash
# Istio's injector beside this project's, in one run, on the same inputs, and the project on a set
# of realistic pods. Prints Markdown tables (ns/op, B/op, Istio/project ratios) and keeps the raw
# output in target/bench/.
#
#   hack/bench-compare.sh            Istio: 3 runs of 3 s per benchmark; JMH: 3x3 s warm-up, 5x3 s
#   BENCH_ISTIO_COUNT=5 BENCH_ISTIO_TIME=5s JMH_ARGS="-wi 5 -i 10" hack/bench-compare.sh
#
# Istio side (hack/bench-istio.sh, built from the istio.io/istio module): BenchmarkInjectServePC0
# (decode the AdmissionReview, inject Istio's makeTestData pod, build the patch, encode, through its
# HTTP handler) and BenchmarkInjection (its 2000-env pod through Webhook.inject). Project side
# (src/test/java/dev/meshoperator/bench/AdmissionBenchmark): AdmissionHandler.review from the
# request bytes to the answer's JSON text, for the same pods. Istio's figures are the median of its
# runs; B/op of both is allocation per operation (Go: -benchmem, JVM: JMH's gc.alloc.rate.norm).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=target/bench
mkdir -p "$OUT"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

bash hack/bench-istio.sh --build-only > /dev/null
echo "[bench-compare] Istio's benchmarks" >&2
bash hack/bench-istio.sh | tee "$OUT/istio.txt" >&2

echo "[bench-compare] the project's AdmissionBenchmark (JMH)" >&2
./mvnw -B -q test-compile -Dspotless.check.skip=true
# shellcheck disable=SC2086
./mvnw -B -q exec:exec@bench -Dbench.args="AdmissionBenchmark -f 1 -wi 3 -w 3s -i 5 -r 3s -bm avgt -tu ns -prof gc -rf json -rff $OUT/jmh.json ${JMH_ARGS:-}" >&2

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$OUT/istio.txt" "$OUT/jmh.json" "$load_before" "$load_after" <<'PY'
import json, re, statistics, sys, os
istio_txt, jmh_json, before, after = sys.argv[1:]
runs = {}
for line in open(istio_txt):
    m = re.match(r'^(Benchmark\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op\s+(\d+) B/op', line)
    if m:
        runs.setdefault(m.group(1), []).append((float(m.group(3)), float(m.group(4))))
istio = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v), len(v))
         for k, v in runs.items()}
ours = {}
for b in json.load(open(jmh_json)):
    pod = b["params"]["pod"]
    ours[pod] = (b["primaryMetric"]["score"], b["primaryMetric"]["scoreError"],
                 b["secondaryMetrics"]["gc.alloc.rate.norm"]["score"])
pairs = [("istio-small", "BenchmarkInjectServePC0"),
         ("istio-2000-env", "BenchmarkInjection/many_env_vars")]
fmt = lambda x: f"{x:,.0f}"
print(f"\n{os.cpu_count()} cores; load average (1/5/15 min) before: {before}, after: {after}\n")
print("| pod | Istio benchmark | Istio ns/op | Istio B/op | project ns/op | project B/op"
      " | speed (Istio/project) | allocation (project/Istio) |")
print("|---|---|---|---|---|---|---|---|")
for pod, bench in pairs:
    if bench not in istio or pod not in ours:
        print(f"| {pod} | {bench} | missing | | | | | |")
        continue
    ins, ib, _ = istio[bench]
    ons, oerr, ob = ours[pod]
    print(f"| {pod} | {bench} | {fmt(ins)} | {fmt(ib)} | {fmt(ons)} ± {fmt(oerr)} | {fmt(ob)}"
          f" | {ins / ons:.1f}× | {ob / ib:.2f} |")
print("\n| pod (project only) | ns/op | B/op |")
print("|---|---|---|")
for pod, (ons, oerr, ob) in ours.items():
    print(f"| {pod} | {fmt(ons)} ± {fmt(oerr)} | {fmt(ob)} |")
PY
