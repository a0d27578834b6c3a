#!/usr/bin/env bash
# mmbench tests — `mmbench compare run-a run-b` on the fixtures: the ratios
# of the cells run-b changed by exact factors (tests/fixtures/generate.py:
# FACTORS_B) and their calls, sorting by change, the environment warning,
# the outputs; and a refusal (exit 2, one line) for two runs without a
# common cell. Known answers on synthetic noise: tests/compare/.
# usage: report_compare.sh MMBENCH FIXTURES WORKDIR
MMBENCH="$1" FIXTURES="$2" WORK="$3"
source "$(dirname "$0")/report_lib.sh"

base="$WORK/compare"
rm -rf "$base"
fixture run-a "$base/run-a"
fixture run-b "$base/run-b"
out="$base/out"
"$MMBENCH" compare "$base/run-a" "$base/run-b" -o "$out" >"$base/stdout.txt" 2>"$base/stderr.txt"
rc=$?
check "exit 0 (got $rc)" test $rc -eq 0
csv="$out/compare.csv"
check "compare.csv" file_min "$csv" 1000
check "compare.txt" file_min "$out/compare.txt" 1000

# field FIELD WORKLOAD PARAMS ALLOCATOR THREADS -> the value in compare.csv
field() {
  awk -F, -v f="$1" -v w="$2" -v p="$3" -v a="$4" -v t="$5" \
    'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
     $1 == w && $2 == p && $3 == a && $4 == t { print $col[f] }' "$csv"
}
mf64="size=64;n=200000"
larson="min=16;max=256;slots=1000;rounds=10;n=1000000"
churn="dist=uniform;min=16;max=256;window=10000;n=2000000"
# ns/op ratios B/A: 1.25 (glibc), 0.80 (jemalloc), 2.0 (larson glibc t=2);
# peak RSS 1.5 (churn-random mimalloc); jitter 1.5-2 % (5 repetitions a
# side, every B above every A: exact Mann-Whitney p 2/252): each is called
# among the ~50 cells compared, at the default 5 repetitions.
check "malloc-free 64 glibc ratio 1.25" near "$(field ratio malloc-free "$mf64" glibc 1)" 1.25 0.001
check "malloc-free 64 glibc exact Mann-Whitney p 2/252" near "$(field mw_p malloc-free "$mf64" glibc 1)" 0.00794 0.00001
check "malloc-free 64 glibc called higher" test "$(field significant malloc-free "$mf64" glibc 1),$(field verdict malloc-free "$mf64" glibc 1)" = "1,higher"
check "malloc-free 64 glibc level 0.95" near "$(field level malloc-free "$mf64" glibc 1)" 0.95 0.0001
check "malloc-free 64 glibc sensitivity below its change" awk -v s="$(field sensitivity malloc-free "$mf64" glibc 1)" 'BEGIN { exit !(s > 1.05 && s < 1.25) }'
check "malloc-free 64 glibc CI around 1.25" bash -c "awk 'BEGIN{exit !($(field ratio_lo malloc-free "$mf64" glibc 1) < 1.25 && $(field ratio_hi malloc-free "$mf64" glibc 1) > 1.25)}'"
check "malloc-free 64 glibc medians" near "$(field median_a malloc-free "$mf64" glibc 1)" 19.95 0.001
check "malloc-free 64 jemalloc ratio 0.80" near "$(field ratio malloc-free "$mf64" jemalloc 1)" 0.80 0.001
check "malloc-free 64 jemalloc called lower" test "$(field verdict malloc-free "$mf64" jemalloc 1)" = lower
check "larson glibc t=2 ratio 2.0" near "$(field ratio larson "$larson" glibc 2)" 2.0 0.001
check "larson glibc t=2 called" test "$(field verdict larson "$larson" glibc 2)" = higher
check "churn mimalloc RSS ratio 1.5" near "$(field rss_ratio churn-random "$churn" mimalloc 1)" 1.5 0.002
check "churn mimalloc RSS called" test "$(field rss_verdict churn-random "$churn" mimalloc 1)" = higher
check "churn mimalloc time the same" test "$(field verdict churn-random "$churn" mimalloc 1)" = same
# p_adj and rss_p_adj are Benjamini-Hochberg over each column's cells:
# recomputed here from the p columns (sorted, m/rank, monotone from the top)
bh_check() { # P-COLUMN ADJ-COLUMN SIG-COLUMN
  awk -F, -v pc="$1" -v qc="$2" -v sc="$3" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col[pc] != "" { m++; p[m] = $col[pc]; q[m] = $col[qc]; s[m] = $col[sc] }
    END {
      for (i = 1; i <= m; i++) { o[i] = i }
      for (i = 2; i <= m; i++) for (j = i; j > 1 && p[o[j-1]] > p[o[j]]; j--) { t = o[j]; o[j] = o[j-1]; o[j-1] = t }
      run = 1
      for (k = m; k >= 1; k--) { v = p[o[k]] * m / k; if (v < run) run = v; want[o[k]] = run }
      for (i = 1; i <= m; i++) {
        d = want[i] - q[i]; if (d < 0) d = -d
        if (d > 1e-6 * (want[i] + 1e-12) + 1e-9 || s[i] != (q[i] < 0.05)) { print "row " i ": p " p[i] " adj " q[i] " want " want[i] " sig " s[i]; bad = 1 }
      }
      if (m < 40) { print "only " m " tests"; bad = 1 }
      exit bad
    }' "$csv"
}
check "p_adj is Benjamini-Hochberg of p" bh_check p p_adj significant
check "rss_p_adj is Benjamini-Hochberg of rss_p" bh_check rss_p rss_p_adj rss_significant
check "table names the correction" grep -q 'Benjamini-Hochberg over the [0-9]* cells tested' "$base/stdout.txt"
check "churn mimalloc time unchanged" near "$(field ratio churn-random "$churn" mimalloc 1)" 1.0 0.02
# Cells: 56 in run-a, run-b drops one and adds one -> 55 shared.
check "55 shared cells" test "$(($(wc -l <"$csv") - 1))" -eq 55
check "the dropped cell is not joined" test -z "$(field ratio null n=1000000 tcmalloc 1)"
check "failed on one side: no ratio, statuses" test "$(field status_a churn-random "$churn" tcmalloc 1),$(field status_b churn-random "$churn" tcmalloc 1),$(field ratio churn-random "$churn" tcmalloc 1)" = "crash,ok,"
# Sorted by change: the largest increase first, the decrease last of the ratios.
first=$(grep -m1 -n 'larson glibc t=2' "$base/stdout.txt" | cut -d: -f1)
check "table sorted: larson glibc t=2 first" test "$first" = 6
check "table: larson glibc t=2 HIGHER" grep -q '^larson glibc t=2 .* HIGHER' "$base/stdout.txt"
# Two cells compared: a family of 2, both called.
for r in a b; do
  mkdir -p "$base/pair-$r"
  cp "$base/run-$r/meta.json" "$base/pair-$r/" 2>/dev/null
  { head -1 "$base/run-$r/runs.csv"; grep "^malloc-free,$mf64,\(glibc\|jemalloc\),1," "$base/run-$r/runs.csv"; } >"$base/pair-$r/runs.csv"
done
"$MMBENCH" compare "$base/pair-a" "$base/pair-b" -o "$base/pair" >"$base/pair.out" 2>/dev/null
check "pair: 2 cells" test "$(($(wc -l <"$base/pair/compare.csv") - 1))" -eq 2
check "pair: called" grep -q '1.250 .*HIGHER' "$base/pair.out"
check "pair: adjusted p <= 2 p" awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["p_adj"] > 2 * $c["p"] + 1e-12 { exit 1 }' "$base/pair/compare.csv"
check "env warning names jemalloc version" grep -q 'warning: the environments differ.*jemalloc version' "$base/stderr.txt"
check "env warning is one line" one_line "$base/stderr.txt"
if command -v gnuplot >/dev/null; then
  for p in compare-time compare-rss; do
    check "$p.svg" file_min "$out/$p.svg" 8000
    check "$p.png" is_png "$out/$p.png"
    check "$p.svg legend" grep -q 'called higher in B' "$out/$p.svg"
    check "$p.svg labels cells" grep -q 'larson glibc t=2' "$out/$p.svg"
  done
fi

# The same run against itself: every ratio 1, nothing significant, and one
# note that says so (an easy slip: results/latest is the folder just run).
"$MMBENCH" compare "$base/run-a" "$base/run-a" -o "$base/self" >/dev/null 2>"$base/self.err"
check "self compare exit 0" test $? -eq 0
check "self compare: one note, no warning" test "$(grep -c . "$base/self.err")" -eq 1
check "self compare: says the folders are the same" grep -q 'same folder' "$base/self.err"
check "self compare: all ratios 1, nothing called" awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["ratio"] != "" && ($c["ratio"] != 1 || $c["significant"] == 1) { exit 1 }' "$base/self/compare.csv"

# Default output folder: B/compare-vs-<A>.
"$MMBENCH" compare "$base/run-a" "$base/run-b" >/dev/null 2>&1
check "default output folder" test -f "$base/run-b/compare-vs-run-a/compare.csv"

# Many cells (100): compare.html draws every one in its overview curve; the
# labelled gnuplot figures keep the 60 largest changes and say so.
mkdir -p "$base/big-a" "$base/big-b"
for side in a b; do
  awk -v side=$side 'BEGIN {
    print "workload,params,allocator,threads,rep,status,reason,wall_ns,cpu_ns,ops,ns_per_op,peak_rss_kb"
    for (c = 1; c <= 100; c++) for (r = 0; r < 5; r++) {
      ns = 10 + r * 0.01; if (side == "b") ns *= 1 + c / 100
      printf "null,n=%d,glibc,1,%d,ok,,%d,%d,1000,%.4f,%d\n", c, r, ns * 1000, ns * 1000, ns, 1000 + c
    } }' >"$base/big-$side/runs.csv"
done
"$MMBENCH" compare "$base/big-a" "$base/big-b" -o "$base/big" >/dev/null 2>&1
check "100 cells: exit 0" test $? -eq 0
check "100 cells: compare.html draws every cell" test "$(sed -n '/<svg id="curve-time"/,/<\/svg>/p' "$base/big/compare.html" | grep -c '<circle')" -eq 100
check "100 cells: overview first" test "$(grep -o '<section id="[a-z]*"' "$base/big/compare.html" | head -1)" = '<section id="summary"'
if command -v gnuplot >/dev/null; then
  check "100 cells: time figure drawn" file_min "$base/big/compare-time.svg" 8000
  check "100 cells: the figure keeps the 60 largest changes" grep -q 'the 60 largest changes of 100' "$base/big/compare-time.svg"
fi

# No common cell: refused, exit 2, one line.
mkdir -p "$base/run-c"
{ head -1 "$base/run-b/runs.csv"; grep '^larson,[^,]*,glibc,8,' "$base/run-b/runs.csv"; } >"$base/run-c/runs.csv"
"$MMBENCH" compare "$base/run-a" "$base/run-c" >"$base/none.out" 2>"$base/none.err"
check "no common cell: exit 2" test $? -eq 2
check "no common cell: one line" one_line "$base/none.err"
check "no common cell: says so" grep -q 'share no cell' "$base/none.err"
check "no common cell: nothing written" test ! -e "$base/run-c/compare-vs-run-a"
finish
