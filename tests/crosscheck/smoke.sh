#!/usr/bin/env bash
# scripts/crosscheck at a tiny size, two rounds: it runs mmbench and the
# bare loop side by side and prints, for both workloads and every allocator
# that is installed, the medians of both, positive ratios, the paired ratio
# with its interval and level, a verdict, and the bests. Timings themselves
# are not judged here (see `make crosscheck`; tests/crosscheck/judge.sh
# tests the verdict on made-up samples).
# usage: smoke.sh SCRIPT MMBENCH BARE_LOOP
set -u
script=$1
export MMBENCH=$2 BARE_LOOP=$3
source "$(dirname "$0")/lib.sh"
"$script" --rounds 2 --reps 1 --n 20000 -o "$work/cc" > "$work/out" 2> "$work/err"
rc=$?
cat "$work/out"
expect "crosscheck exits 0 (got $rc: $(tail -2 "$work/err"))" test "$rc" -eq 0
rows=$(awk '$1 == "churn-random" || $1 == "malloc-free"' "$work/out")
expect "a row per workload for glibc" test "$(grep -c ' glibc ' <<<"$rows")" -eq 2
expect "glibc's own ratios are 1 and its row the reference" \
  test "$(grep ' glibc ' <<<"$rows" | grep -c '1[.]00 *1[.]00 .*(reference)')" -eq 2
expect "every ns/op and ratio positive" \
  test -z "$(awk '!($3 > 0 && $4 > 0 && $5 > 0 && $6 > 0)' <<<"$rows")"
expect "2 rounds: every interval at its exact level, 50 %" test "$(grep -c ' 50.0%]' <<<"$rows")" -eq "$(wc -l <<<"$rows")"
expect "every other row has a verdict" \
  test -z "$(grep -v ' glibc ' <<<"$rows" | grep -v -e ' agrees' -e ' differs')"
for a in jemalloc tcmalloc scudo tbbmalloc; do
  if "$MMBENCH" list allocators | grep -q "^  $a .* yes "; then
    expect "$a measured on both workloads" test "$(grep -c " $a " <<<"$rows")" -eq 2
  fi
done
expect "bare loop refuses bad arguments (exit 2)" bash -c "'$BARE_LOOP' churn-random 0 5 2>/dev/null; test \$? -eq 2"
expect "bare loop refuses a bad place (exit 2)" bash -c "'$BARE_LOOP' malloc-free 10 8 beside 2>/dev/null; test \$? -eq 2"
expect "bare loop runs on a thread too" "$BARE_LOOP" malloc-free 1000 8 thread
expect "crosscheck refuses a bad option (exit 2)" bash -c "'$script' --rounds x 2>/dev/null; test \$? -eq 2"
expect "crosscheck refuses bad --reps (exit 2)" bash -c "'$script' --reps 0 2>/dev/null; test \$? -eq 2"
finish
