#!/usr/bin/env bash
# Runs every benchmark of a build folder (make bench), bench_density (DBSCAN, HDBSCAN
# and the k-distance curve on 70,000 points in 2 and 10 dimensions) among them. Numbers, not pass/fail:
# compare them with ../shared/peer/ run on the same machine.
set -u
build=${1:-build}
cd "$(dirname "$0")/.."
export AECLUST_DATA="${AECLUST_DATA:-$PWD/data}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}"
status=0
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" || status=1
done
exit $status
