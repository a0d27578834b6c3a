#!/usr/bin/env bash
# Fault isolation: a crashing, a hanging, an overlapping, a misaligned and a
# malloc-less library are recorded as such, and every other cell completes.
# A library that scribbles on live blocks only in timed repetitions (not in
# the probe, not in the verification repetition) is recorded corrupt by the
# checksum, on malloc-free and on churn-random (and not seen under
# touch=none, which reads nothing back).
source "$(dirname "$0")/lib.sh" "$@"
cd "$WORK"
L=$FAULTS
"$MMBENCH" run -q --keep-going -w malloc-free -p n=300000 -p size=16 -t 1 -r 2 --timeout 3 \
  -a "glibc,preload:$L/libmmbfault_crash.so[MMB_FAULT_AFTER=150000],preload:$L/libmmbfault_hang.so[MMB_FAULT_AFTER=150000],preload:$L/libmmbfault_overlap.so[MMB_FAULT_AFTER=0],preload:$L/libmmbfault_misaligned.so,preload:$L/libmmbfault_nomalloc.so" \
  -o out >log 2>&1
rc=$?
expect "run completes (exit $rc): $(tail -2 log)" test "$rc" -eq 0
status_of() { cols out/runs.csv allocator status | awk -F'\t' -v a="$1" 'index($1, a) {print $2}' | sort -u | paste -sd/ -; }
expect "glibc ok ($(status_of glibc))" test "$(status_of glibc)" = ok
expect "crash recorded ($(status_of fault_crash))" test "$(status_of fault_crash)" = crash
expect "hang recorded as timeout ($(status_of fault_hang))" test "$(status_of fault_hang)" = timeout
expect "overlap caught ($(status_of fault_overlap))" test "$(status_of fault_overlap)" = nonconforming
expect "misaligned caught ($(status_of fault_misaligned))" test "$(status_of fault_misaligned)" = nonconforming
expect "no-malloc library invalid ($(status_of fault_nomalloc))" test "$(status_of fault_nomalloc)" = invalid
expect "crash reason names the signal" grep -q 'crash,killed by signal 11' out/runs.csv
expect "failed rows have no measurements" test -z "$(cols out/runs.csv status wall_ns ns_per_op | awk -F'\t' '$1!="ok" && ($2!="" || $3!="")')"
# An overlap that starts only after the probe is caught by the workload's check.
"$MMBENCH" run -q -w churn-random -p n=200000 -t 1 -r 1 \
  -a "glibc,preload:$L/libmmbfault_overlap.so[MMB_FAULT_AFTER=100000]" -o out2 >log2 2>&1
expect "late overlap is corrupt ($(awk -F, 'NR>1 && index($3,"overlap"){print $6}' out2/runs.csv))" \
  test "$(awk -F, 'NR>1 && index($3,"overlap"){print $6}' out2/runs.csv | sort -u)" = corrupt
# Scribbles in timed repetitions only: the verification repetition passes,
# the timed ones carry another checksum (malloc-free folds the word it reads
# into it) and are corrupt, not "(verification repetition)".
if [ "$(uname -m)" = x86_64 ]; then
  "$MMBENCH" run -q -w malloc-free,churn-random -p size=64 -p dist=uniform -p n=100000 -t 1,2 -r 2 \
    --floor off -a "preload:$L/libmmbfault_timed.so[MMB_FAULT_AFTER=1000]" -o out3 >log3 2>&1
  rows() { cols out3/runs.csv workload threads allocator status reason | awk -F'\t' -v w="$1" '$1 == w && index($3, "timed")'; }
  for w in malloc-free churn-random; do
    expect "$w: timed-only scribble is corrupt in every timed row ($(rows $w | cut -f4 | sort | uniq -c | paste -sd' '))" \
      test "$(rows $w | cut -f4 | sort -u)" = corrupt
    expect "$w: one row per repetition, 1 and 2 threads ($(rows $w | wc -l))" \
      test "$(rows $w | wc -l)" -eq 4
    expect "$w: caught by the checksum against its verification repetition's" \
      test -z "$(rows $w | cut -f5 | grep -v "^checksum [0-9a-f]* differs from [0-9a-f]*, its verification repetition's")"
  done
  # touch=none reads nothing back: the same scribble goes unseen (README)
  "$MMBENCH" run -q -w malloc-free -p size=64 -p n=100000 -p touch=none -t 1 -r 1 --floor off \
    -a "preload:$L/libmmbfault_timed.so[MMB_FAULT_AFTER=1000]" -o out4 >log4 2>&1
  expect "touch=none cannot see it (ok)" test "$(cols out4/runs.csv status | sort -u)" = ok
fi
finish
