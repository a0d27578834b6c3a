#!/usr/bin/env bash
# Kill and resume: SIGKILL the runner part-way, resume, and every (cell,
# repetition) appears exactly once with no truncated row. SIGINT stops
# cleanly and says how to resume.
source "$(dirname "$0")/lib.sh" "$@"
cd "$WORK"
args=(-q --floor off -w malloc-free -a glibc -p n=1500000 -p size=16,64,256 -t 1 -r 6)
expected=18
for trial in 1 2 3; do
  "$MMBENCH" run "${args[@]}" -o "k$trial" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do # the folder is made after the allocator probes: slow on a loaded machine
    [ -s "k$trial/runs.csv" ] && break
    sleep 0.1
  done
  sleep "0.$((trial * 3))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  before=$(($(wc -l < "k$trial/runs.csv") - 1))
  "$MMBENCH" run --resume "k$trial" -q >/dev/null 2>&1
  expect "trial $trial: resume exits 0" test $? -eq 0
  rows=$(($(wc -l < "k$trial/runs.csv") - 1))
  expect "trial $trial: $expected rows after resume (had $before, now $rows)" test "$rows" -eq "$expected"
  dups=$(cut -d, -f1-5 "k$trial/runs.csv" | sort | uniq -d)
  expect "trial $trial: no (cell, rep) twice" test -z "$dups"
  expect "trial $trial: no truncated row" test -z "$(awk -F, 'NR==1{n=NF} NF!=n' "k$trial/runs.csv")"
  expect "trial $trial: summary written" test -s "k$trial/summary.csv"
done
# A row cut short by a kill mid-write is dropped on resume.
"$MMBENCH" run -q -w null -a glibc -t 1 -p n=1000 -r 3 -o cut >/dev/null 2>&1
head -c -7 cut/runs.csv > cut/tmp && mv cut/tmp cut/runs.csv
"$MMBENCH" run --resume cut -q >/dev/null 2>&1
expect "cut row redone: 3 rows" test "$(($(wc -l < cut/runs.csv) - 1))" -eq 3
expect "cut row redone: all complete" test -z "$(awk -F, 'NR==1{n=NF} NF!=n' cut/runs.csv)"
# SIGINT: exit 130 and a hint to resume.
long=(-q --floor off -w malloc-free -a glibc -p n=4000000 -p size=16,64,256 -t 1 -r 40)
"$MMBENCH" run "${long[@]}" -o int >/dev/null 2>int.log &
pid=$!
for _ in $(seq 100); do # interrupt once a few rows are in
  [ "$(cat int/runs.csv 2>/dev/null | wc -l)" -ge 4 ] && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
expect "SIGINT exit 130 (got $rc)" test "$rc" -eq 130
expect "SIGINT says how to resume" grep -q -- "--resume int" int.log
"$MMBENCH" run --resume int -q >/dev/null 2>&1
expect "resumed after SIGINT: 120 rows" test "$(($(wc -l < int/runs.csv) - 1))" -eq 120
finish
