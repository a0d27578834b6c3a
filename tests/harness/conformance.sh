#!/usr/bin/env bash
# check-allocator: the system malloc conforms; broken libraries do not.
source "$(dirname "$0")/lib.sh" "$@"
out=$("$MMBENCH" check-allocator glibc); rc=$?
expect "glibc conforms (exit $rc)" test "$rc" -eq 0
expect "glibc table lists calloc-overflow pass" grep -Eq 'calloc-overflow +pass' <<<"$out"
out=$("$MMBENCH" check-allocator "preload:$FAULTS/libmmbfault_misaligned.so"); rc=$?
expect "misaligned library fails (exit $rc)" test "$rc" -eq 1
expect "misaligned: malloc-alignment FAIL" grep -Eq 'malloc-alignment +FAIL' <<<"$out"
out=$("$MMBENCH" check-allocator "preload:$FAULTS/libmmbfault_overlap.so[MMB_FAULT_AFTER=0]"); rc=$?
expect "overlapping library fails (exit $rc)" test "$rc" -eq 1
expect "overlap: no-overlap FAIL" grep -Eq 'no-overlap +FAIL' <<<"$out"
out=$("$MMBENCH" check-allocator "preload:$FAULTS/libmmbfault_nomalloc.so"); rc=$?
expect "malloc-less library invalid" grep -q 'verdict: invalid' <<<"$out"
# every available allocator gets a table with a verdict
out=$("$MMBENCH" check-allocator)
n=$("$MMBENCH" list allocators | awk '$3=="yes"' | wc -l)
expect "a verdict per available allocator" test "$(grep -c 'verdict:' <<<"$out")" -eq "$n"
finish
