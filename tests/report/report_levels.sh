#!/usr/bin/env bash
# mmbench tests — every interval with its real level, and nothing called
# below three repetitions a side: synthetic results folders with n = 1, 2,
# 3, 5, 10 repetitions of the same cells (jemalloc half glibc's time on
# malloc-free, 1.5x on churn-random; peak RSS +1 % and 2x), reported; the
# levels shown in the heat maps' legend, the family table, the full table
# and the terminal must be the exact ones for n, and n < 3 colours nothing.
# Also: the floor is a minimal allocator (a cell faster than it is said to
# be), and a peak-RSS difference too small to matter is not coloured.
# usage: report_levels.sh MMBENCH FIXTURES WORKDIR
MMBENCH="$1" WORK="$3"
source "$(dirname "$0")/report_lib.sh"
base="$WORK/levels"
rm -rf "$base"
mkdir -p "$base"

# gen DIR N: malloc-free (glibc 10 ns, jemalloc 5 ns, floor 6 ns) and
# churn-random (glibc 20 ns, jemalloc 30 ns), values growing 1 % a rep.
gen() {
  local d="$1" n="$2"
  mkdir -p "$d"
  awk -v n="$n" 'BEGIN {
    print "workload,params,allocator,threads,rep,status,reason,wall_ns,cpu_ns,ops,ns_per_op,peak_rss_kb"
    split("malloc-free glibc 10 10000|malloc-free jemalloc 5 10100|malloc-free floor 6 9000|churn-random glibc 20 10000|churn-random jemalloc 30 20000", spec, "|")
    for (r = 0; r < n; r++)
      for (i = 1; i <= 5; i++) {
        split(spec[i], f, " ")
        v = f[3] * (1 + 0.01 * r)
        printf "%s,size=16,%s,1,%d,ok,,%d,%d,1000000,%.4f,%d\n", f[1], f[2], r, v * 1e6, v * 1e6, v, f[4] + r
      }
  }' >"$d/runs.csv"
}

# Fills of the heat maps' squares other than grey (no difference), white
# (no value) and the baseline's dot.
coloured() { grep -o '<rect x="[0-9.]*" y="[0-9.]*" width="[0-9.]*" height="[0-9]*" fill="#[0-9a-f]*"' "$1" | grep -vc 'fill="#\(f2f2f2\|ffffff\)"'; }

declare -A map_level=([3]="90.0 % at 3 repetitions" [5]="96.8 % at 5 repetitions" [10]="95.7 % at 10 repetitions")
declare -A med_level=([2]="50.0" [3]="75.0" [5]="93.8" [10]="97.9")
declare -A fam_level=([1]="no interval" [2]="66.7%" [3]="90.0%" [5]="96.8%" [10]="95.7%")
for n in 1 2 3 5 10; do
  d="$base/n$n"
  gen "$d" "$n"
  "$MMBENCH" report "$d" >"$d.out" 2>/dev/null
  check "n=$n: report exit 0" test $? -eq 0
  h="$d/report.html"
  "$MMBENCH" report --text "$d" >"$d.txt" 2>/dev/null
  check "n=$n: family line carries its level (${fam_level[$n]})" grep -q "jemalloc 0.50x.*${fam_level[$n]}" "$d.out"
  if [[ $n -lt 3 ]]; then
    check "n=$n: nothing coloured ($(coloured "$h") squares)" test "$(coloured "$h")" -eq 0
    check "n=$n: the overview says no difference can be called" grep -q 'id="uncallable"' "$h"
    check "n=$n: the terminal says so" grep -q 'fewer than 3 repetitions a side: no difference can be called' "$d.out"
    check "n=$n: the family is not called different" grep -q 'jemalloc 0.50x.* ~' "$d.out"
  else
    check "n=$n: map level ${map_level[$n]}" grep -q "map-level\">${map_level[$n]}" "$h"
    # time: jemalloc faster and slower; peak RSS 2x; malloc-free RSS +1 % not
    check "n=$n: three squares coloured ($(coloured "$h"))" test "$(coloured "$h")" -eq 3
    check "n=$n: a 1 % peak-RSS difference is too small to matter" grep -q 'too small to matter (&lt; 3 % or &lt; 256 KiB)' "$h"
  fi
  if [[ $n -ge 2 ]]; then
    check "n=$n: full table level (${med_level[$n]} %)" grep -q "(${med_level[$n]} %)" "$h"
    check "n=$n: terminal table level (${med_level[$n]}%)" grep -q "${med_level[$n]}%" "$d.txt"
  else
    check "n=1: no interval in the full table" grep -q 'one repetition: no interval' "$h"
    check "n=1: no interval on the terminal" grep -q 'none (1 rep)' "$d.txt"
  fi
  check "n=$n: no interval labelled 95 % regardless" bash -c "! grep -q '95&nbsp;% interval\|95% CI' '$h' '$d.txt'"
  # the floor: a minimal allocator, never "the harness"; jemalloc is faster than it
  check "n=$n: the floor is called a minimal allocator" grep -q 'the same loop under a minimal allocator' "$h"
  check "n=$n: no 'harness floor' wording" bash -c "! grep -qi 'harness floor\|the rest of ns/op' '$h' '$d.txt'"
  check "n=$n: a cell faster than the floor is remarked" grep -q '120 % of this cell.*faster than the floor allocator here' "$h"
done
finish
