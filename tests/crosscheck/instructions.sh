#!/usr/bin/env bash
# The harness's own work, counted rather than timed: churn-random (uniform
# 16..256 B, window 10 000) under valgrind's callgrind, mmbench's cell
# (`--counters sim`, the region only) against the bare loop's timed part
# (tests/crosscheck/bare_loop.c, --toggle-collect=timed), under glibc and,
# where installed, jemalloc. Counts are deterministic, so unlike a timing
# this can be a unit test: mmbench may not execute more than 5 % more
# instructions, nor miss the simulated L1 data cache more than 20 % more
# often, than the bare loop doing the same operations.
# usage: instructions.sh MMBENCH BARE_LOOP
set -u
MMBENCH=$1 BARE=$2
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "valgrind not installed (scripts/install-deps)"; exit 1; }
allocs=glibc
"$MMBENCH" list allocators | grep -q "^  jemalloc .* yes " && allocs=glibc,jemalloc
n=100000 window=10000
"$MMBENCH" run -q -w churn-random -p dist=uniform -p min=16 -p max=256 -p window=$window -p n=$n \
  -a $allocs -t 1 -r 1 --floor off --counters sim -o "$work/run" >"$work/log" 2>&1
expect "mmbench run under callgrind (exit $?: $(tail -1 "$work/log"))" test -s "$work/run/runs.csv"
col() { # col ALLOCATOR COLUMN: its value in runs.csv
  awk -F, -v a="$1" -v k="$2" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
    $c["allocator"] == a {print $c[k]}' "$work/run/runs.csv"
}
for a in ${allocs//,/ }; do
  lib=$(awk -v a="$a" '$0 ~ "^[ \t]*\"" a "\":[ \t]*[{]" {f = 1}
    f && /"library"/ {sub(/.*"library":[ \t]*"/, ""); sub(/".*/, ""); print; exit}' "$work/run/meta.json")
  LD_PRELOAD="$lib" valgrind --tool=callgrind --cache-sim=yes --callgrind-out-file="$work/bare.$a" \
    --toggle-collect=timed "$BARE" churn-random $n $window >/dev/null 2>"$work/vg.$a"
  totals=$(callgrind_annotate "$work/bare.$a" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", ""); print $1, $9}')
  read -r bir bd1 <<<"$totals"
  mir=$(col "$a" sim_Ir) md1=$(col "$a" sim_D1mr)
  echo "$a: instructions mmbench $mir, bare loop $bir; L1 data read misses mmbench $md1, bare loop $bd1"
  expect "$a: both counted" test -n "$mir" -a -n "$bir" -a -n "$md1" -a -n "$bd1"
  expect "$a: mmbench's instructions within 5 % of the bare loop's" \
    awk -v m="${mir:-0}" -v b="${bir:-0}" 'BEGIN {exit !(b > 0 && m > 0 && m <= 1.05 * b)}'
  expect "$a: mmbench's L1 read misses within 20 % of the bare loop's" \
    awk -v m="${md1:-0}" -v b="${bd1:-0}" 'BEGIN {exit !(b > 0 && m > 0 && m <= 1.20 * b)}'
done
finish
