#!/usr/bin/env bash
# mmbench tests — `mmbench compare --paired` on a small real matrix: A =
# glibc, B = glibc with GLIBC_TUNABLES exported (a setting of B only): one
# run with both configurations interleaved round by round (runs.csv rows
# alternate A and B within a round), the cells joined under the -a name,
# the design named paired, and the compare outputs written beside the run.
# usage: compare_paired.sh MMBENCH WORKDIR
MMBENCH="$1" WORK="$2"
source "$(dirname "$0")/../report/report_lib.sh"
base="$WORK/compare-paired"
rm -rf "$base"
mkdir -p "$base"
"$MMBENCH" compare --paired -w malloc-free -p size=64 -t 1 -a glibc -r 3 --scale 0.02 \
  --b-env GLIBC_TUNABLES=glibc.malloc.tcache_count=0 -o "$base/out" >"$base/out.txt" 2>&1
check "exit 0" test $? -eq 0
check "the run is kept" test -f "$base/out/run/runs.csv"
check "both configurations ran" test "$(cut -d, -f3 "$base/out/run/runs.csv" | sort -u | grep -c glibc)" -eq 2
# rows in run order: A then B within every round
order=$(awk -F, 'NR > 1 { printf "%s:%s ", $5, ($3 == "glibc" ? "A" : "B") }' "$base/out/run/runs.csv")
check "rounds interleaved (A B per round): $order" test "$order" = "0:A 0:B 1:A 1:B 2:A 2:B "
check "one cell joined, under the -a name" test "$(awk -F, 'NR > 1 { print $3 "," $7 }' "$base/out/compare.csv")" = "glibc,3"
check "design named" grep -q 'interleaved rounds, paired t' "$base/out/compare.txt"
check "B's spec on the page" grep -qF 'tcache_count=0' "$base/out/compare.html"
finish
