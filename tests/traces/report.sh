#!/usr/bin/env bash
# The report's "programs and their replays": a run that replays a trace and
# also ran the program it came from (here the program rows are the replay's
# own rows renamed, with wall times set to known ratios: glibc 1, jemalloc 2,
# mimalloc 0.5) shows both ratios side by side in report.html and in the
# terminal summary, with the rank agreement.
source "$(dirname "$0")/../harness/lib.sh" "$@"
cd "$WORK"
"$MMBENCH" run -q -w trace-replay -p file=sqlite-example -a glibc,jemalloc,mimalloc -t 1 -r 1 --counters off \
  -o out >log 2>&1
expect "replay run exits 0: $(tail -2 log)" test $? -eq 0
awk -F, -v OFS=, 'NR == 1 { print; next }
  { print }
  $1 == "trace-replay" && $6 == "ok" && $3 != "floor" {
    f = $3 == "glibc" ? 1 : $3 == "jemalloc" ? 2 : 0.5
    $1 = "sqlite-example"; $2 = "size=1"; $8 = 1000000 * f; print }' out/runs.csv >runs.new
mv runs.new out/runs.csv
rm -f out/summary.csv
"$MMBENCH" report out >report.txt 2>&1
expect "report exits 0: $(tail -3 report.txt)" test $? -eq 0
expect "terminal summary names the pair" grep -q "sqlite-example: program vs its replayed trace" report.txt
expect "jemalloc program ratio 2.00" grep -Eq "^  jemalloc +2\.00 " report.txt
expect "mimalloc program ratio 0.50" grep -Eq "^  mimalloc +0\.50 " report.txt
expect "rank agreement stated, wall and CPU" test "$(grep -c "rank correlation" report.txt)" -eq 2
expect "the floor is not an allocator of the comparison" bash -c "! grep -Eq '^  floor ' report.txt"
expect "report.html has the section" grep -q 'id="traces"' out/report.html
finish
