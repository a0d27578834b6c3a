#!/usr/bin/env bash
# A program's own peak: peak_rss_kb of a program cell is the largest VmHWM
# of its processes at their exits (peak_rss_own 1), not wait4's ru_maxrss,
# which carries mmbench's image from before the exec. A program that
# touches 1 MiB reads within 10 % of the VmHWM it prints itself, under
# glibc and jemalloc; a child that touches 24 MiB makes the tree's peak.
# usage: own_peak.sh MMBENCH FAULTS OWN_PEAK_PROGRAM
source "$(dirname "$0")/../harness/lib.sh" "$@"
prog=$3
cd "$WORK"
printf 'name = own-peak\ncommand = %s\nexpect = own VmHWM\nmetric = own_hwm ^own VmHWM ([0-9]+) KiB\n' "$prog" >own.prog
printf 'name = own-peak-tree\ncommand = %s fork 24\nexpect = own VmHWM\n' "$prog" >tree.prog
allocs=glibc
"$MMBENCH" list allocators | grep -q "^  jemalloc .* yes " && allocs=glibc,jemalloc
"$MMBENCH" run -q -w prog:own.prog,prog:tree.prog -a "$allocs" -r 3 -o out >log 2>&1
rc=$?
expect "run completes (exit $rc): $(tail -2 log)" test "$rc" -eq 0
cols out/runs.csv workload allocator status peak_rss_kb own_hwm peak_rss_own >rows
cat rows
own=$(awk -F'\t' '$1 == "own-peak"' rows)
expect "every row ok and measured from its own address space" \
  test -z "$(awk -F'\t' '$3 != "ok" || $6 != 1' rows)"
for a in ${allocs//,/ }; do
  expect "$a: 3 rows of the 1 MiB program" test "$(awk -F'\t' -v a=$a '$2 == a' <<<"$own" | wc -l)" -eq 3
  expect "$a: peak_rss_kb within 10 % of the program's own VmHWM" \
    test -z "$(awk -F'\t' -v a=$a '$2 == a && !($4 >= 0.9 * $5 && $4 <= 1.1 * $5)' <<<"$own")"
done
expect "the tree's peak is the 24 MiB child's" \
  test -z "$(awk -F'\t' '$1 == "own-peak-tree" && !($4 >= 24 * 1024 && $4 < 40 * 1024)' rows)"
finish
