#!/usr/bin/env bash
# mmbench tests — `mmbench env --counters`, the counting diagnosis.
# Usage: env_counters.sh MMBENCH STANDIN_LIB
#   - it prints this machine's perf_event_paranoid, as /proc says
#   - every default event has a line, hardware and software
#   - with the PMU stand-in preloaded (or a real PMU) every hardware event
#     opens: verdict "work here", exit 0
#   - with cycles refused (EACCES): the verdict names the refusal, a
#     "to change:" line gives the remedy, exit 1
#   - a typo in the option: one line, exit 2
set -u
MMBENCH=$(realpath "$1")
STANDIN=$(realpath "$2")
fails=0
fail() { fails=$((fails + 1)); echo "FAIL: $*" >&2; }

out=$("$MMBENCH" env --counters 2>&1); rc=$?
want=$(cat /proc/sys/kernel/perf_event_paranoid)
grep -qE "^perf_event_paranoid: +$want\b" <<<"$out" || fail "paranoid is not $want: $out"
for e in cycles instructions cache-references cache-misses L1-dcache-load-misses \
         dTLB-load-misses branch-misses task-clock page-faults context-switches cpu-migrations; do
  grep -qE "^  $e +(hardware|software) " <<<"$out" || fail "no line for $e"
done
[ $rc -le 1 ] || fail "exit $rc, not 0 or 1"

out=$(LD_PRELOAD="$STANDIN" "$MMBENCH" env --counters 2>&1); rc=$?
grep -qE "^  cycles +hardware +ok " <<<"$out" || fail "cycles do not open with the stand-in: $out"
grep -q "^verdict: hardware counters work here (7 of 7" <<<"$out" || fail "verdict with the stand-in: $out"
[ $rc -eq 0 ] || fail "exit $rc with every hardware event open, not 0"

out=$(LD_PRELOAD="$STANDIN" MMB_STANDIN_REFUSE=cycles=EACCES "$MMBENCH" env --counters 2>&1); rc=$?
if grep -qE "^  cycles +hardware +ok " <<<"$out"; then
  echo "a real PMU answers: the refusal case needs the stand-in" >&2
else
  grep -qE "^  cycles +hardware +denied " <<<"$out" || fail "cycles not denied: $out"
  grep -q "^verdict: 6 of 7 hardware events open; first refusal: " <<<"$out" || fail "verdict: $out"
  grep -q "^to change: " <<<"$out" || fail "no remedy line: $out"
  [ $rc -eq 1 ] || fail "exit $rc with a refused event, not 1"
fi

err=$("$MMBENCH" env --countres 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || fail "a typo exits $rc, not 2"
[ "$(wc -l <<<"$err")" -eq 1 ] || fail "a typo prints more than one line: $err"

[ $fails -eq 0 ] && echo "env_counters: all checks passed"
exit $((fails > 0))
