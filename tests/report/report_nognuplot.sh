#!/usr/bin/env bash
# mmbench tests — without gnuplot on PATH, `mmbench report` still writes
# the data files and report.html (saying which plots are missing), names the
# Debian package gnuplot-nox in one line, and exits 0.
# usage: report_nognuplot.sh MMBENCH FIXTURES WORKDIR
MMBENCH="$1" FIXTURES="$2" WORK="$3"
source "$(dirname "$0")/report_lib.sh"

dir="$WORK/nognuplot/run-a"
fixture run-a "$dir"
empty="$WORK/nognuplot/empty-path"
mkdir -p "$empty"
PATH="$empty" "$MMBENCH" report "$dir" >"$WORK/nognuplot/stdout.txt" 2>"$WORK/nognuplot/stderr.txt"
rc=$?
check "exit status 0 without gnuplot (got $rc)" test $rc -eq 0
err="$WORK/nognuplot/stderr.txt"
check "one line names gnuplot-nox" bash -c "[[ \$(grep -c 'gnuplot-nox' '$err') -eq 1 ]]"
check "report.html written" file_min "$dir/report.html" 20000
check "html says plots are missing" grep -q 'id="noplots"' "$dir/report.html"
check "html names the package" grep -q 'gnuplot-nox' "$dir/report.html"
check "html points at each missing figure's data" grep -q 'plots/data/time-malloc-free.dat' "$dir/report.html"
check "no <img> for figures that were not drawn" bash -c "! grep -q '<img class=\"fig\"' '$dir/report.html'"
check "table of medians still there" grep -q 'Segmentation fault' "$dir/report.html"
check "no SVG or PNG" bash -c "! ls '$dir/plots/'*.svg '$dir/plots/'*.png"
for d in time-malloc-free.dat time-larson-fails.dat scaling-larson.dat sweep-malloc-free-size.dat \
         timeline-churn-random.dat latency-malloc-free-size-64.dat heapsweep-heap-sweep.dat \
         counters-larson-1.dat rss-heap-sweep.dat; do
  check "data file $d" file_min "$dir/plots/data/$d" 60
done
check "larson's skipped cells are listed" test "$(grep -c '"skipped"' "$dir/plots/data/time-larson-fails.dat")" -eq 3
# The data file holds the fixture's numbers: glibc's malloc-free size=64
# median is 19.95 ns (run-a/summary.csv), normalised to itself = 1, in the
# second group (5 allocators + a gap: x = 6); jemalloc's 14.5 ns is 0.729.
check "time data: glibc size=64 at 1 labelled 19.9 ns" grep -q '^6 1 .*"19.9 ns"' "$dir/plots/data/time-malloc-free.dat"
check "time data: jemalloc size=64 at 0.729" grep -q '^7 0.729.*"14.5 ns"' "$dir/plots/data/time-malloc-free.dat"
check "summary still printed" grep -q 'report: .*0 of 28 figures' "$WORK/nognuplot/stdout.txt"
finish
