#!/usr/bin/env bash
# JMH benchmarks of the injection engine (src/test/java/dev/meshoperator/bench).
#
#   hack/bench.sh                            all benchmarks with the defaults below (~3 minutes)
#   hack/bench.sh InjectionBenchmark.inject  a subset (regex); any other JMH option works too
#   hack/bench.sh -i 10 -r 10s               override a default
#   hack/bench.sh -h                         JMH's options
#
# Defaults: 1 fork, 3 warmup iterations of 3 s, 5 measurement iterations of 4 s, sampled time per
# operation in microseconds (mean and percentiles: the median holds up better than the mean on a
# busy machine), and the GC profiler (allocation per operation). A default is dropped when the
# same option is given. Arguments must not contain spaces (they pass through Maven).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

defaults=(-f 1 -wi 3 -w 3s -i 5 -r 4s -bm sample -tu us -prof gc)

args=()
for ((n = 0; n < ${#defaults[@]}; n += 2)); do
  opt=${defaults[n]}
  given=false
  for a in "$@"; do
    [ "$a" = "$opt" ] && given=true
  done
  # -prof may be repeated; any -prof replaces the default one.
  $given || args+=("$opt" "${defaults[n + 1]}")
done
args+=("$@")

# Compiles main and test classes when missing or stale (JMH's annotation processor generates the
# benchmark stubs at test compilation); quick when nothing changed.
./mvnw -B -q test-compile -Dspotless.check.skip=true

exec ./mvnw -B -q exec:exec@bench -Dbench.args="${args[*]}"
