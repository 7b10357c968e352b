#!/usr/bin/env bash
# Runs the benchmarks and prints their figures (never pass/fail on time). Note `uptime`
# next to any figure you keep: the machine's load shows up in every number.
#   bash bench/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
gen="$build/bench/stackgen"
eng="$build/bench/engine_bench"
work=$(mktemp -d /tmp/capstan-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
uptime

echo "# validate, then no-change plans (without and with refresh) from a seeded state"
for shape in chain fan foreach mixed; do
  for n in 10000 100000; do
    d="$work/$shape-$n"; mkdir -p "$d"
    "$gen" --shape "$shape" --count "$n" --type mem.thing --out "$d" | sed "s/^/stackgen $shape $n: /"
    "$eng" validate "$d" | sed "s/^/$shape $n: /"
    "$eng" seed "$d" | sed "s/^/$shape $n: /"
    "$eng" plan "$d" | sed "s/^/$shape $n: /"
    "$eng" plan-refresh "$d" | sed "s/^/$shape $n: /"
  done
done

echo "# apply of 1,000 resources at 50 ms per call, parallelism >= graph width"
echo "# (calls=async: completing on the provider's timer; calls=blocking: a thread each)"
for shape in fan foreach mixed chain; do
  d="$work/apply-$shape"; mkdir -p "$d"
  out=$("$gen" --shape "$shape" --count 1000 --type mem.thing --out "$d")
  echo "stackgen $shape 1000: $out"
  width=$(echo "$out" | sed -n 's/.*width[=: ]*\([0-9]*\).*/\1/p' | head -1)
  [ -n "$width" ] || width=1000
  "$eng" apply "$d" 50 "$width" | sed "s/^/$shape 1000: /"
  rm -f "$d"/*.db*
  [ "$shape" = chain ] || "$eng" apply "$d" 50 "$width" blocking | sed "s/^/$shape 1000: /"
done

if [ -x "$build/bench/scheduler_bench" ]; then
  echo "# scheduler alone"
  "$build/bench/scheduler_bench"
fi
