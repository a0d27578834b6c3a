#!/usr/bin/env bash
# mmbench tests — hardware counters through a whole `mmbench run` and its
# report, on the PMU stand-in (pmu_standin.c) where no PMU counts or on the
# real PMU where one does. Usage: pmu_run.sh MMBENCH STANDIN_LIB
#   - every default hardware event fills its column in runs.csv, with the
#     share of the region it ran (counters_running_frac)
#   - an event refused at open (stand-in only): its column empty in every
#     row, its status and reason in meta.json, one terminal note for the run
#     (not one per cell)
#   - the counter figure is drawn with the hardware events and says which
#     values are estimates (multiplexed)
#   - --events with an unknown name: one line, the nearest names, exit 2
set -u
MMBENCH=$(realpath "$1")
STANDIN=$(realpath "$2")
CSV_CUT=$(dirname "$MMBENCH")/tests/csv_cut
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fails=0
checks=0
pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*" >&2; }
expect() { local what=$1; shift; if "$@"; then pass; else fail "$what"; fi; }

export LD_PRELOAD="$STANDIN"
# Which PMU the suite's own probe finds: the stand-in steps aside for a real one.
"$MMBENCH" list events > "$WORK/events.txt" 2>&1
if ! grep -qE '^ +cycles +.* opens' "$WORK/events.txt"; then
  if grep -qE '^ +task-clock +.* opens' "$WORK/events.txt"; then
    echo "FAIL: cycles do not open with the stand-in preloaded" >&2
    exit 1
  fi
  echo "perf events blocked here: nothing can be counted"
  exit 77
fi
standin=0
[ -z "$(MMB_STANDIN_FORCE=0 LD_PRELOAD= "$MMBENCH" list events 2>&1 | grep -E '^ +cycles +.* opens')" ] && standin=1
echo "hardware events: $([ $standin = 1 ] && echo "PMU stand-in" || echo "real PMU")"

refuse=""
[ $standin = 1 ] && refuse="cache-misses=EOPNOTSUPP"
MMB_STANDIN_COUNTERS=4 MMB_STANDIN_REFUSE="$refuse" "$MMBENCH" run -w malloc-free,churn-random \
  -a glibc -t 1 -r 2 --scale 0.05 --floor off -o "$WORK/out" > "$WORK/stdout" 2> "$WORK/stderr"
expect "the run succeeds" test $? -eq 0
runs="$WORK/out/runs.csv"
rows=$("$CSV_CUT" "$runs" status | grep -c '^ok$')
expect "at least 4 ok rows (got $rows)" test "$rows" -ge 4

# every default hardware event (but the refused one) fills its columns
for ev in cycles instructions cache-references L1-dcache-load-misses dTLB-load-misses branch-misses; do
  empty=$("$CSV_CUT" "$runs" "$ev" "${ev}_per_op" | grep -cE '(^|	)(	|$)')
  expect "$ev and ${ev}_per_op filled in every row ($empty rows with an empty field)" test "$empty" -eq 0
done
ipc=$("$CSV_CUT" "$runs" ipc | head -1)
expect "ipc filled ($ipc)" test -n "$ipc"
fracs=$("$CSV_CUT" "$runs" counters_running_frac | sort -u | tr '\n' ' ')
if [ $standin = 1 ]; then
  # 6 hardware events on 4 counters: each ran 4/6 of the region
  expect "counters_running_frac 0.666667 in every row ($fracs)" test "$fracs" = "0.666667 "
  refused=$("$CSV_CUT" "$runs" cache-misses cache-misses_per_op | grep -cvE '^	$')
  expect "cache-misses empty in every row ($refused filled)" test "$refused" -eq 0
  meta=$(tr -d '\n\t' < "$WORK/out/meta.json")
  expect "meta.json: cache-misses unsupported, errno 95, with a reason" \
    grep -qE '"cache-misses":\{"status":"unsupported","errno":95,"reason":"[^"]+' <<< "$meta"
  expect "meta.json: cycles ok" grep -qE '"cycles":\{"status":"ok"' <<< "$meta"
  notes=$(grep -c "cannot be counted here" "$WORK/stderr")
  expect "the refusal is noted once on the terminal ($notes times)" test "$notes" -eq 1
  expect "the note names cache-misses" grep -q "cannot be counted here (cache-misses)" "$WORK/stderr"
else
  expect "counters_running_frac in (0, 1] ($fracs)" \
    awk -v s="$fracs" 'BEGIN { n = split(s, a, " "); for (i = 1; i <= n; i++) if (a[i] <= 0 || a[i] > 1) exit 1 }'
fi

# the counter figures, drawn with the hardware events
if command -v gnuplot > /dev/null; then
  LD_PRELOAD= "$MMBENCH" report "$WORK/out" > "$WORK/report.txt" 2>&1
  expect "mmbench report succeeds" test $? -eq 0
  for w in malloc-free churn-random; do
    svg="$WORK/out/plots/counters-$w.svg"
    expect "$svg drawn" test -s "$svg"
    for panel in IPC cycles/op instructions/op branch-misses/op; do
      expect "counters-$w.svg has the $panel panel" grep -q ">$panel<" "$svg"
    done
    if [ $standin = 1 ]; then
      expect "counters-$w.svg says its values are estimated (multiplexed, 67%)" \
        grep -q "Estimated" "$svg" && grep -q "multiplexed: events ran 67%+" "$svg"
      expect "counters-$w.svg names cache-misses as not measured" grep -q "cache-misses" "$svg"
    fi
  done
fi

# bad input: an unknown event name
"$MMBENCH" run -w malloc-free --events cycles,instrctions -o "$WORK/bad" > "$WORK/bad.out" 2> "$WORK/bad.err"
rc=$?
expect "unknown event: exit 2 (got $rc)" test $rc -eq 2
expect "unknown event: one line" test "$(wc -l < "$WORK/bad.err")" -eq 1
expect "unknown event: names it and the nearest name" grep -q "'instrctions'.*nearest: instructions" "$WORK/bad.err"
expect "unknown event: nothing written" test ! -e "$WORK/bad"

echo "$((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
