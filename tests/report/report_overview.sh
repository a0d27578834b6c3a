#!/usr/bin/env bash
# mmbench tests — the overview of report.html and the terminal summary on
# the bad inputs the overview must put in words instead of an empty or
# broken figure: a folder with no ok cell, one with a single allocator, one
# whose figures failed to render; and the columns other parts of the
# harness add (oversubscribed, ci_level) when present.
# usage: report_overview.sh MMBENCH FIXTURES WORKDIR
MMBENCH="$1" FIXTURES="$2" WORK="$3"
source "$(dirname "$0")/report_lib.sh"
base="$WORK/overview"
rm -rf "$base"
mkdir -p "$base"

# No ok cell: every row crashed.
fixture run-a "$base/nook"
rm "$base/nook/summary.csv"
awk -F, -v OFS=, 'NR > 1 && $6 == "ok" { $6 = "crash"; $7 = "Segmentation fault" } { print }' \
  "$FIXTURES/run-a/runs.csv" >"$base/nook/runs.csv"
"$MMBENCH" report "$base/nook" >"$base/nook.out" 2>"$base/nook.err"
check "no ok cell: exit 0 (the report is still written)" test $? -eq 0
h="$base/nook/report.html"
check "no ok cell: says so in words" grep -q 'id="no-ok">No cell ran cleanly' "$h"
check "no ok cell: no heat map" bash -c "! grep -q '<svg id=\"heat-' '$h'"
check "no ok cell: warnings list the failures" grep -q '<li id="w-failed"><b>5[0-9] cells failed' "$h"
check "no ok cell: terminal says so" grep -q 'No cell ran cleanly: nothing to compare' "$base/nook.out"

# One allocator: no ratio to draw.
fixture run-a "$base/one"
rm "$base/one/summary.csv"
awk -F, 'NR == 1 || $3 == "glibc"' "$FIXTURES/run-a/runs.csv" >"$base/one/runs.csv"
"$MMBENCH" report "$base/one" >"$base/one.out" 2>/dev/null
check "one allocator: exit 0" test $? -eq 0
h="$base/one/report.html"
check "one allocator: says so in words" grep -q 'id="one-alloc">Only one allocator (<b>glibc</b>)' "$h"
check "one allocator: no heat map" bash -c "! grep -q '<svg id=\"heat-' '$h'"
check "one allocator: terminal says so" grep -q 'Only one allocator was measured' "$base/one.out"

# Figures that failed to render (a broken gnuplot script): the overview
# still draws (it needs no gnuplot) and the warnings box says how many failed.
if command -v gnuplot >/dev/null; then
  mkdir -p "$base/scripts"
  cp "$(dirname "$0")/../../scripts/"*.gp "$base/scripts/"
  echo 'this is not gnuplot' >"$base/scripts/bars.gp"
  fixture run-a "$base/broken"
  MMB_SCRIPTS_DIR="$base/scripts" "$MMBENCH" report -q "$base/broken" >/dev/null 2>&1
  check "broken figures: exit 1" test $? -eq 1
  h="$base/broken/report.html"
  check "broken figures: counted in the warnings" grep -Eq '<li id="w-figfailed">[0-9]+ of [0-9]+ figures could not be drawn' "$h"
  check "broken figures: heat map still drawn" grep -q '<svg id="heat-time"' "$h"
fi

# The runner's oversubscribed column wins over the CPU count; ci_level labels
# the intervals.
fixture run-a "$base/cols"
awk -F, -v OFS=, 'NR == 1 { print $0, "oversubscribed"; next } { print $0, ($1 == "malloc-free" ? 1 : 0) }' \
  "$FIXTURES/run-a/runs.csv" >"$base/cols/runs.csv"
awk -F, -v OFS=, 'NR == 1 { print $0, "ci_level"; next } { print $0, "0.9375" }' \
  "$FIXTURES/run-a/summary.csv" >"$base/cols/summary.csv"
"$MMBENCH" report "$base/cols" >"$base/cols.out" 2>/dev/null
h="$base/cols/report.html"
n_mf=$(awk -F, 'NR > 1 && $1 == "malloc-free" { print $2 FS $3 FS $4 }' "$FIXTURES/run-a/runs.csv" | sort -u | wc -l)
check "oversubscribed column: $n_mf malloc-free cells" grep -q "<li id=\"w-oversub\">$n_mf cells ran <b>more threads than CPUs</b> (threads 1 on 2 CPUs)" "$h"
check "ci_level: each interval carries its coverage" grep -q '18.9 ns – 19.2 ns (93.8 %)' "$h"
check "the ratio intervals carry their exact level at 5 a side" grep -q 'map-level">96.8 % at 5 repetitions a side' "$h"
check "no interval is labelled 95 % whatever it is" bash -c "! grep -q '95&nbsp;% interval' '$h'"

# The machine's own noise (meta.json "noise"): the flag is judged against
# it and shown beside it; without it, against the fixed 5 %.
fixture run-a "$base/noise"
rm "$base/noise/summary.csv"
"$MMBENCH" report "$base/noise" >"$base/noise0.out" 2>/dev/null
n0=$(grep -o '[0-9]* of [0-9]* measured cells are noisy' "$base/noise0.out" | cut -d' ' -f1)
check "no machine noise: the fixed 5 % is said" grep -q 'CV above the fixed 5 %' "$base/noise0.out"
sed -i 's/^{/{"noise": {"cv": 0.2, "processes": 24, "median_ns": 2e7},/' "$base/noise/meta.json"
"$MMBENCH" report "$base/noise" >"$base/noise1.out" 2>/dev/null
check "machine noise 20 %: shown beside the flag" grep -q "machine: CV 20.0 % over 24 processes" "$base/noise1.out"
check "machine noise 20 %: nothing noisy that the machine explains (was ${n0:-0})" grep -q '^  0 of 52 measured cells are noisy' "$base/noise1.out"
check "machine noise: the limit at 5 repetitions is the chi-square one (31.2 %)" grep -q 'with 5 repetitions the limit is CV 31.2 %' "$base/noise1.out"
finish
