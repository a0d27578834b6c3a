#!/usr/bin/env bash
# mmbench tests — `mmbench compare` end to end on synthetic results folders
# with known answers (tests/compare/generate.py, fixed seeds, log-normal
# noise CV ~12 %): B's 2x cells called at 5, 10 and 20 repetitions, some
# 1.3x cells at each and all at 20, unchanged cells never, the
# sensitivity shrinking with repetitions (rates over many seeds:
# test_compare_judge.c); an A/A pair with
# nothing called; a uniformly shifted B with the drift note and nothing
# called; 2 repetitions a side with the note that nothing can be called;
# runs of different plans, and --paired with an unknown allocator or
# setting, refused (exit 2, one line, nothing written).
# usage: compare_known.sh MMBENCH WORKDIR
MMBENCH="$1" WORK="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../report/report_lib.sh"
base="$WORK/compare-known"
rm -rf "$base"
mkdir -p "$base"
gen() { python3 "$HERE/generate.py" "$@"; }

# calls NAME GROUP -> how many cells of GROUP (2x: 0-3, 1.3x: 4-7, 1.1x:
# 8-11, none: 12-23, in generate.py's order) were called in NAME's CSV
calls() {
  awk -F, -v g="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { split($2, p, "[=;]"); s = p[2]; k = 0
      for (j = 1; j <= 6; j++) if (s == (2 ^ (j + 3))) k = (j - 1) * 4
      a = $3; k += a == "glibc" ? 0 : a == "jemalloc" ? 1 : a == "mimalloc" ? 2 : 3
      grp = k < 4 ? "2x" : k < 8 ? "1.3x" : k < 12 ? "1.1x" : "none"
      if (grp == g && $c["significant"] == 1) n++ }
    END { print n + 0 }' "$base/$1/compare.csv"
}
sens() { grep -o 'median over the cells: [0-9.]*' "$base/$1.out" | awk '{ print $5 }'; }

prev_sens=100
for reps in 5 10 20; do
  gen "$base/r$reps-a" "$base/r$reps-b" --reps $reps --seed 11 --changes
  "$MMBENCH" compare "$base/r$reps-a" "$base/r$reps-b" -o "$base/r$reps" >"$base/r$reps.out" 2>&1
  check "$reps reps: exit 0" test $? -eq 0
  c2=$(calls r$reps 2x) c13=$(calls r$reps 1.3x) c0=$(calls r$reps none)
  echo "$reps reps: called 2x $c2/4, 1.3x $c13/4, 1.1x $(calls r$reps 1.1x)/4, unchanged $c0/12; median sensitivity $(sens r$reps)"
  check "$reps reps: every 2x cell called" test "$c2" -eq 4
  check "$reps reps: no unchanged cell called" test "$c0" -eq 0
  [ $reps -ge 5 ] && check "$reps reps: some 1.3x cells called" test "$c13" -ge 1
  check "$reps reps: sensitivity shrinks" awk -v s="$(sens r$reps)" -v p="$prev_sens" 'BEGIN { exit !(s > 1 && s < p) }'
  prev_sens=$(sens r$reps)
done
check "20 reps: all 1.3x cells called" test "$(calls r20 1.3x)" -eq 4
check "page: verdicts and sensitivity" grep -q '<th>verdict</th>.*<th>sensitivity</th>' "$base/r5/compare.html"
check "page: called changes listed" grep -q '<h4>Called changes of time per operation</h4>' "$base/r5/compare.html"
check "page: method note with the level" grep -q 'id="method">B/A = ratio of the geometric means.*95 % t interval' "$base/r5/compare.html"
check "text: could-not-tell count" grep -q '^time: [0-9]* higher, 0 lower, [0-9]* same, [0-9]* could not tell' "$base/r5.out"

# A/A: the same noise on both sides, 20 pairs (seeds 100-119): a call in
# at most 1 pair (the nominal 5 %: under no change at all the false
# discovery rate is the chance of any call), no drift note.
any=0 cells=0
for seed in $(seq 100 119); do
  gen "$base/aa-a" "$base/aa-b" --reps 5 --seed $seed
  "$MMBENCH" compare "$base/aa-a" "$base/aa-b" -o "$base/aa" >"$base/aa.out" 2>&1
  n=$(($(calls aa 2x) + $(calls aa 1.3x) + $(calls aa 1.1x) + $(calls aa none)))
  cells=$((cells + n))
  [ $n -gt 0 ] && any=$((any + 1))
  grep -q 'most cells moved together' "$base/aa.out" && check "A/A seed $seed: no drift note" false
done
echo "A/A: $cells of 480 cells called, $any of 20 pairs with a call"
check "A/A: at most 1 of 20 pairs with a call ($any)" test $any -le 1

# B 1.3x slower everywhere: the drift note, the shift, nothing called.
gen "$base/sh-a" "$base/sh-b" --reps 5 --seed 13 --shift 1.3
"$MMBENCH" compare "$base/sh-a" "$base/sh-b" -o "$base/sh" >"$base/sh.out" 2>&1
check "shift: drift note" grep -q 'note: most cells moved together: .* common B/A of 1\.[23]' "$base/sh.out"
check "shift: drift allowance named" grep -q 'drift allowance' "$base/sh.out"
check "shift: nothing called" test "$(calls sh 2x)$(calls sh none)" = 00
check "shift: note on the page" grep -q 'id="drift"' "$base/sh/compare.html"
"$MMBENCH" compare "$base/sh-a" "$base/sh-b" -o "$base/shraw" --raw >"$base/shraw.out" 2>&1
check "shift --raw: cells called against the raw ratio" test "$(calls shraw none)" -gt 0

# 2 repetitions a side: shown, never called, and the page says why.
gen "$base/few-a" "$base/few-b" --reps 2 --seed 14 --changes
"$MMBENCH" compare "$base/few-a" "$base/few-b" -o "$base/few" >"$base/few.out" 2>&1
check "2 reps: exit 0" test $? -eq 0
check "2 reps: nothing called" test "$(calls few 2x)" -eq 0
check "2 reps: verdict too-few" test "$(awk -F, 'NR > 1' "$base/few/compare.csv" | grep -c ',too-few,')" -eq 24
check "2 reps: the note" grep -q 'fewer than 3 repetitions a side: no change can be called' "$base/few.out"
check "2 reps: the note on the page" grep -q 'id="few"' "$base/few/compare.html"

# Different plans (seed): refused.
gen "$base/pl-a" "$base/pl-b" --reps 5 --seed 15 --plan-seed-b 7
"$MMBENCH" compare "$base/pl-a" "$base/pl-b" -o "$base/pl" >/dev/null 2>"$base/pl.err"
check "different plans: exit 2" test $? -eq 2
check "different plans: one line naming the seed" grep -q 'different plans (plan.seed 42 vs 7)' "$base/pl.err"
check "different plans: one line" one_line "$base/pl.err"
check "different plans: nothing written" test ! -e "$base/pl"

# --paired: bad specifications refused before anything runs.
"$MMBENCH" compare --paired -w malloc-free -a glibc,jemaloc -r 3 -o "$base/p1" >/dev/null 2>"$base/p1.err"
check "paired unknown allocator: exit 2" test $? -eq 2
check "paired unknown allocator: names it" grep -q "unknown allocator 'jemaloc' (did you mean 'jemalloc'" "$base/p1.err"
check "paired unknown allocator: one line" one_line "$base/p1.err"
check "paired unknown allocator: nothing written" test ! -e "$base/p1"
if /lib64/ld-linux-x86-64.so.2 --list-tunables >/dev/null 2>&1; then
  "$MMBENCH" compare --paired -w malloc-free -a glibc -r 3 --b-env GLIBC_TUNABLES=glibc.malloc.tcache_cnt=0 -o "$base/p2" >/dev/null 2>"$base/p2.err"
  check "paired unknown tunable: exit 2" test $? -eq 2
  check "paired unknown tunable: names it" grep -q "unknown glibc tunable 'glibc.malloc.tcache_cnt'" "$base/p2.err"
  check "paired unknown tunable: nothing written" test ! -e "$base/p2"
fi
"$MMBENCH" compare --paired -w malloc-free -a glibc -r 3 -o "$base/p3" >/dev/null 2>"$base/p3.err"
check "paired same configuration: exit 2" test $? -eq 2
check "paired same configuration: says so" grep -q 'A and B are the same configuration' "$base/p3.err"
check "paired same configuration: nothing written" test ! -e "$base/p3"
"$MMBENCH" compare --paired -w malloc-fre -a glibc -r 3 --b-env X=1 -o "$base/p4" >/dev/null 2>"$base/p4.err"
check "paired unknown workload (run's check): exit 2" test $? -eq 2
check "paired unknown workload: nothing written" test ! -e "$base/p4"
"$MMBENCH" compare -a glibc "$base/aa-a" "$base/aa-b" >/dev/null 2>"$base/p5.err"
check "-a without --paired: exit 2" test $? -eq 2
finish
