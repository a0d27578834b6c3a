#!/usr/bin/env bash
# mmbench tests — bad input to `mmbench report` / `mmbench compare`: a
# missing folder, a folder without runs.csv, a malformed runs.csv, an
# unwritable output, bad options: one line on stderr, exit status 2. And a
# folder holding only runs.csv (a run that was killed) still gets a report,
# with the same statistics as summary.csv would give.
# usage: report_errors.sh MMBENCH FIXTURES WORKDIR
MMBENCH="$1" FIXTURES="$2" WORK="$3"
source "$(dirname "$0")/report_lib.sh"

base="$WORK/errors"
rm -rf "$base"
mkdir -p "$base"

# expect2 "what" PATTERN args...: exit 2, exactly one line on stderr matching PATTERN.
expect2() {
  local what="$1" pattern="$2"
  shift 2
  "$MMBENCH" "$@" >"$base/out" 2>"$base/err"
  local rc=$?
  check "$what: exit 2 (got $rc)" test $rc -eq 2
  check "$what: one line on stderr" one_line "$base/err"
  check "$what: message matches '$pattern'" grep -q -- "$pattern" "$base/err"
}

expect2 "report: missing folder" "does not exist" report "$base/nope"
mkdir -p "$base/empty"
expect2 "report: no runs.csv" "no runs.csv" report "$base/empty"
touch "$base/afile"
expect2 "report: a file, not a folder" "not a folder" report "$base/afile"
mkdir -p "$base/bad"
printf 'workload,params,allocator,threads,rep,status\nnull,n=1,glibc,1,0,ok\nnull,n=1,glibc\n' >"$base/bad/runs.csv"
expect2 "report: malformed runs.csv" "line 3" report "$base/bad"
mkdir -p "$base/nocol"
printf 'workload,allocator\nnull,glibc\n' >"$base/nocol/runs.csv"
expect2 "report: runs.csv without params" "no column 'params'" report "$base/nocol"
fixture run-a "$base/ro"
touch "$base/ro/plots"   # plots cannot be a folder: the output cannot be written
expect2 "report: unwritable output" "cannot create" report "$base/ro"
expect2 "report: no folder given" "needs the results folder" report
expect2 "report: two folders" "takes one results folder" report "$base/ro" "$base/ro"
expect2 "report: unknown option" "unknown option" report --bogus "$base/ro"
expect2 "report: --quiet with --text" "contradict" report -q --text "$base/ro"
"$MMBENCH" report --help >"$base/out" 2>&1
check "report --help: exit 0" test $? -eq 0
check "report --help: usage" grep -q 'usage: mmbench report' "$base/out"

fixture run-a "$base/a"
expect2 "compare: one folder" "needs two results folders" compare "$base/a"
expect2 "compare: missing B" "does not exist" compare "$base/a" "$base/nope"
expect2 "compare: B without runs.csv" "no runs.csv" compare "$base/a" "$base/empty"
expect2 "compare: unwritable output" "cannot create" compare "$base/a" "$base/a" -o "$base/afile/sub"
expect2 "compare: unknown option" "unknown option" compare --bogus "$base/a" "$base/a"
"$MMBENCH" compare --help >"$base/out" 2>&1
check "compare --help: exit 0" test $? -eq 0
check "compare --help: usage" grep -q 'usage: mmbench compare' "$base/out"

# Only runs.csv (a killed run, with a row cut short at the end): the report
# is still made, its statistics equal those of the full folder's summary.csv.
mkdir -p "$base/killed"
cp "$FIXTURES/run-a/runs.csv" "$base/killed/runs.csv"
printf 'larson,min=16;max=256;slots=1000;rounds=10;n=1000000,glibc,1,9,ok,,951' >>"$base/killed/runs.csv"
"$MMBENCH" report --text "$base/killed" >"$base/killed.out" 2>"$base/killed.err"
check "killed run: exit 0" test $? -eq 0
check "killed run: report.html" file_min "$base/killed/report.html" 20000
check "killed run: says summary computed" grep -q 'summary.csv is missing' "$base/killed.err"
check "killed run: says a row was cut short" grep -q 'cut short' "$base/killed.err"
"$MMBENCH" report --text "$base/a" >"$base/full.out" 2>/dev/null
check "killed run: same statistics as summary.csv" diff <(grep -v '^report:' "$base/killed.out") <(grep -v '^report:' "$base/full.out")

# A damaged timeline.csv (its header line lost) is left out with a note; the
# rest of the report is still written.
fixture run-a "$base/nohead"
sed -i 1d "$base/nohead/timeline.csv"
"$MMBENCH" report -q "$base/nohead" >/dev/null 2>"$base/nohead.err"
check "headerless timeline: exit 0" test $? -eq 0
check "headerless timeline: noted" grep -q 'timeline.csv left out: it needs the columns' "$base/nohead.err"
check "headerless timeline: report written" file_min "$base/nohead/report.html" 20000
check "headerless timeline: no timeline figure" test ! -e "$base/nohead/plots/data/timeline-churn-random.dat"
finish
