#!/usr/bin/env bash
# Fault isolation: a crashing, a hanging, an overlapping, a misaligned and a
# malloc-less library are recorded as such, and every other cell completes.
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
finish
