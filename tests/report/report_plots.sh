#!/usr/bin/env bash
# mmbench tests — `mmbench report` on the fixture folder run-a draws every
# expected figure (SVG and PNG, non-trivial, with the expected series and
# labels), writes the data files and report.html, prints the summary, and
# gives byte-identical output when run twice.
# usage: report_plots.sh MMBENCH FIXTURES WORKDIR
MMBENCH="$1" FIXTURES="$2" WORK="$3"
source "$(dirname "$0")/report_lib.sh"
command -v gnuplot >/dev/null || skip "gnuplot is not installed (Debian package gnuplot-nox)"

dir="$WORK/plots/run-a"
fixture run-a "$dir"
out="$WORK/plots/stdout.txt"
"$MMBENCH" report "$dir" >"$out" 2>"$WORK/plots/stderr.txt"
check "report exits 0" test $? -eq 0

# Every figure the fixture calls for: name and the series it must show.
declare -A expect=(
  [time-null]="glibc jemalloc mimalloc tcmalloc"
  [time-malloc-free]="glibc jemalloc mimalloc tcmalloc arena size=4096"
  [time-churn-random]="glibc jemalloc mimalloc tcmalloc arena-pool crash"
  [time-larson]="glibc jemalloc mimalloc tcmalloc arena skipped"
  [time-heap-sweep]="manual gc boehm growth=150"
  [rss-null]="glibc jemalloc"
  [rss-malloc-free]="glibc arena MiB"
  [rss-churn-random]="glibc arena-pool MiB"
  [rss-larson]="glibc mimalloc t=4"
  [rss-heap-sweep]="manual gc boehm"
  [rsslive-churn-random]="glibc mimalloc"
  [rsslive-larson]="glibc tcmalloc"
  [rsslive-heap-sweep]="manual gc boehm"
  [counters-null]="page-faults/op Not.measured.on.this.machine"
  [counters-malloc-free]="page-faults/op arena"
  [counters-churn-random]="page-faults/op arena-pool"
  [counters-larson]="page-faults/op task-clock/op context-switches/op mimalloc"
  [counters-heap-sweep]="page-faults/op boehm"
  [scaling-larson]="glibc jemalloc mimalloc tcmalloc threads Mop/s"
  [speedup-larson]="glibc jemalloc mimalloc tcmalloc ideal speedup.over.1.thread"
  [sweep-malloc-free-size]="glibc jemalloc mimalloc tcmalloc arena size.in.bytes"
  [timeline-churn-random]="glibc jemalloc mimalloc arena-pool RSS"
  [timeline-heap-sweep-growth-200]="manual gc boehm"
  [latency-malloc-free-size-16]="glibc:malloc glibc:free arena:free p99.9 max"
  [latency-malloc-free-size-64]="jemalloc:malloc"
  [latency-malloc-free-size-256]="mimalloc:malloc"
  [latency-malloc-free-size-4096]="tcmalloc:free"
  [heapsweep-heap-sweep]="manual gc boehm 150 400"
)
n=0
for name in "${!expect[@]}"; do
  n=$((n + 1))
  svg="$dir/plots/$name.svg" png="$dir/plots/$name.png"
  check "$name.svg exists and is > 8 kB" file_min "$svg" 8000
  check "$name.svg is SVG" grep -q '<svg' "$svg"
  check "$name.png is a PNG > 3 kB" is_png "$png"
  check "$name caption names machine and date" grep -q 'bench-vm · AMD EPYC 7B13 · 2024-05-14' "$svg"
  for word in ${expect[$name]}; do
    check "$name.svg shows '$word'" grep -q ">$word<\|$word" "$svg"
  done
  check "data file for $name" bash -c "ls '$dir/plots/data/$name'*.dat"
  check "report.html shows $name (PNG, linking the SVG)" grep -q "<a href=\"plots/$name.svg\"><img class=\"fig\" src=\"plots/$name.png\"" "$dir/report.html"
done
# No other figure than those.
got=$(ls "$dir/plots"/*.svg | wc -l)
check "exactly $n figures (got $got)" test "$got" -eq "$n"
check "no gnuplot logs left (all succeeded)" bash -c "! ls '$dir/plots/data/'*.log"

# Each allocator keeps its colour: jemalloc is Okabe-Ito orange (#E69F00)
# and mimalloc sky blue (#56B4E9) in every figure that shows them.
for f in time-null time-malloc-free time-larson rss-churn-random scaling-larson sweep-malloc-free-size; do
  check "$f: jemalloc is #E69F00" grep -Eq 'rgb\(230, *159, *0\)' "$dir/plots/$f.svg"
  check "$f: mimalloc is #56B4E9" grep -Eq 'rgb\( *86, *180, *233\)' "$dir/plots/$f.svg"
done

# The page: environment, medians with CI/CV, failed/skipped/noisy cells, families.
html="$dir/report.html"
check "html: environment" grep -q 'AMD EPYC 7B13' "$html"
check "html: allocator versions" grep -q '5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c' "$html"
check "html: crash cell with reason" grep -q 'Segmentation fault' "$html"
check "html: skipped cell with reason" grep -q 'needs MMB_CAP_FREE' "$html"
check "html: noisy cell marked" grep -q 'class="tag">noisy' "$html"
check "html: CI column" grep -q '18.9 ns – 19.2 ns' "$html"
check "html: malloc-free in family basic" grep -q 'id="family-basic"' "$html"
for w in null malloc-free churn-random larson heap-sweep; do
  check "html: section for $w" grep -q "id=\"wl-$w\"" "$html"
done
check "html: counters not measured note" grep -q 'Not measured on this machine: cycles, instructions, cache-misses (no hardware PMU (virtual machine))' "$html"
check "html: no plots-missing banner" bash -c "! grep -q 'id=\"noplots\"' '$html'"
check "html: self-contained (no http references)" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$html'"

# The one-screen summary: per family the best allocator, the counts, the
# warnings, where the report is; no per-cell table.
check "stdout: fits a screen ($(wc -l <"$out") lines)" test "$(wc -l <"$out")" -le 24
check "stdout: counts" grep -q '56 cells planned: 52 ok (1 noisy), 1 failed, 3 skipped for a reason' "$out"
check "stdout: family table (median over 3 common cells, exact level)" grep -Eq '^threads +glibc +mimalloc 0\.51x \[0\.47-0\.54\] 75\.0% 3 cells' "$out"
check "stdout: graph family against manual" grep -Eq '^graph +manual ' "$out"
check "stdout: the failed cell" grep -q '1 cell failed: churn-random.*tcmalloc: crash' "$out"
check "stdout: oversubscription" grep -q '4 cells ran more threads than CPUs (threads 4 on 2 CPUs)' "$out"
check "stdout: no per-cell table" bash -c "! grep -q 'Segmentation fault' '$out'"
check "stdout: points at --text" grep -q 'full tables: mmbench report --text' "$out"
check "stdout: report path" grep -q "report: $dir/report.html (28 of 28 figures" "$out"

# --text: the full table of every cell.
"$MMBENCH" report --text "$dir" >"$WORK/plots/text.txt" 2>/dev/null
check "--text: exit 0" test $? -eq 0
check "--text: header" grep -q 'ns/op' "$WORK/plots/text.txt"
check "--text: crash with reason" grep -q 'crash.*Segmentation fault' "$WORK/plots/text.txt"
check "--text: noisy mark" grep -q '7.9%!' "$WORK/plots/text.txt"

# The overview comes first, with both heat maps, the family table and the
# warnings box linking to the crashed cell's row.
html="$dir/report.html"
check "html: overview is the first section" test "$(grep -o '<section id="[a-z]*"' "$html" | head -1)" = '<section id="summary"'
check "html: time heat map" grep -q '<svg id="heat-time"' "$html"
check "html: RSS heat map" grep -q '<svg id="heat-rss"' "$html"
check "html: family table" grep -q '<table id="families">' "$html"
check "html: warnings box" grep -q '<div id="warnings"' "$html"
crash_row=$(grep -o '<tr id="c[0-9]*" class="bad"[^>]*data-status="crash"' "$html" | grep -o 'c[0-9]*' | head -1)
check "html: crashed cell linked from the warnings ($crash_row)" grep -q "<li id=\"w-failed\">.*href=\"#$crash_row\">churn-random tcmalloc: crash" "$html"
check "html: noisy share" grep -q '1 of 52 measured cells (2&nbsp;%) are <b>noisy' "$html"
check "html: jemalloc faster than glibc on malloc-free size=64" grep -q 'malloc-free size=64 · jemalloc: 0.73× glibc' "$html"
check "html: full table collapsed" grep -q '<details id="table"><summary>56 cells' "$html"

# Deterministic: a second run elsewhere gives identical files.
dir2="$WORK/plots/again/run-a"
fixture run-a "$dir2"
"$MMBENCH" report -q "$dir2" >/dev/null 2>&1
check "second run: identical plots and data" diff -r "$dir/plots" "$dir2/plots"
check "second run: identical report.html" cmp "$dir/report.html" "$dir2/report.html"
finish
