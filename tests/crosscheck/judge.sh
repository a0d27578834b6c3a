#!/usr/bin/env bash
# scripts/crosscheck's verdict on made-up samples (--judge), so the rule is
# tested without timing anything: the paired per-round ratio of medians,
# its interval with the exact level, every malloc on both workloads.
# usage: judge.sh SCRIPT
set -u
script=$1
source "$(dirname "$0")/lib.sh"
# samples FILE JEMALLOC_FACTOR ODD_ROUND_FACTOR: 5 rounds x 3 processes; each
# round scales both programs alike (drift the pairing must cancel); mmbench's
# jemalloc churn-random runs JEMALLOC_FACTOR times the bare loop's; round 3's
# mmbench tcmalloc malloc-free runs ODD_ROUND_FACTOR times (one odd round).
samples() {
  awk -v jf="$2" -v of="$3" 'BEGIN {
    split("glibc jemalloc mimalloc tcmalloc", al, " "); base["glibc"] = 20; base["jemalloc"] = 14
    base["mimalloc"] = 12; base["tcmalloc"] = 13
    for (r = 1; r <= 5; r++) for (s = 1; s <= 2; s++) for (w = 1; w <= 2; w++) for (a = 1; a <= 4; a++)
      for (i = 1; i <= 3; i++) {
        src = s == 1 ? "mmbench" : "bare"; wl = w == 1 ? "churn-random" : "malloc-free"
        v = base[al[a]] * (1 + 0.3 * (r % 2)) * (1 + 0.01 * i) * (w == 2 ? 0.3 : 1)
        if (s == 1 && w == 1 && al[a] == "jemalloc") v *= jf
        if (s == 1 && w == 2 && al[a] == "tcmalloc" && r == 3) v *= of
        printf "%d %s %s %s %.3f %.3f\n", r, src, wl, al[a], v, v
      }
  }' > "$1"
}
samples "$work/same" 1 1
"$script" --judge "$work/same" --strict 15 > "$work/out1"; rc=$?
cat "$work/out1"
expect "same ratios: exit 0 (got $rc)" test "$rc" -eq 0
expect "same ratios: 6 allocator rows agree, 2 glibc references" \
  test "$(grep -c ' agrees  ' "$work/out1")" -eq 6 -a "$(grep -c '(reference)' "$work/out1")" -eq 2
expect "5 rounds: the interval is [min, max] at 93.8 %" test "$(grep -c ' 93.8%]' "$work/out1")" -eq 8
expect "drift shared by a round cancels: q +0.0 % everywhere" test "$(grep -c '  +0.0% \[' "$work/out1")" -eq 8

samples "$work/fast" 0.7 1 # mmbench's jemalloc 30 % faster than the bare loop's
"$script" --judge "$work/fast" --strict 15 > "$work/out2"; rc=$?
cat "$work/out2"
expect "a 43 % higher ratio: exit 1 (got $rc)" test "$rc" -eq 1
expect "jemalloc churn-random differs" grep -q '^churn-random  jemalloc .* differs ' "$work/out2"
expect "the others agree" test "$(grep -c ' agrees  ' "$work/out2")" -eq 5

samples "$work/odd" 1 3 # one round of five far off: the median holds, the interval shows it
"$script" --judge "$work/odd" --strict 15 > "$work/out3"; rc=$?
cat "$work/out3"
expect "one odd round: exit 0 (got $rc)" test "$rc" -eq 0
expect "one odd round: tcmalloc malloc-free agrees (noisy)" \
  grep -q '^malloc-free   tcmalloc .* agrees (noisy)' "$work/out3"
expect "without --strict nothing fails" "$script" --judge "$work/fast"
expect "--judge needs a file (exit 2)" bash -c "'$script' --judge /nonexistent 2>/dev/null; test \$? -eq 2"
finish
