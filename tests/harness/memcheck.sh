#!/usr/bin/env bash
# valgrind memcheck of the harness itself on a tiny matrix: the runner, a
# cell, the report and a conformance probe — no memory errors and no leaks
# of its own (definite or indirect). Skipped (77) without valgrind.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh" "$@"
command -v valgrind >/dev/null || { echo "valgrind not installed: skipped"; exit 77; }
cd "$WORK"
vg=(valgrind -q --error-exitcode=9 --suppressions="$HERE/valgrind.supp" --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect)
"${vg[@]}" "$MMBENCH" run -q -w null,malloc-free -a glibc,arena-pool -p n=1000 -r 2 -t 1,2 -o out >run.log 2>&1
rc=$?; expect "runner clean under memcheck: $(grep -m3 '==' run.log)" test $rc -eq 0
"${vg[@]}" "$MMBENCH" cell --workload malloc-free --allocator glibc --params n=1000 --threads 2 >cell.log 2>&1
rc=$?; expect "cell clean under memcheck: $(grep -m3 '==' cell.log)" test $rc -eq 0
"${vg[@]}" "$MMBENCH" report out >report.log 2>&1
rc=$?; expect "report clean under memcheck: $(grep -m3 '==' report.log)" test $rc -eq 0
"${vg[@]}" "$MMBENCH" probe --conformance glibc >probe.log 2>&1
rc=$?; expect "conformance probe clean under memcheck: $(grep -m3 '==' probe.log)" test $rc -eq 0
"${vg[@]}" "$MMBENCH" run -w nosuch -o out2 >bad.log 2>&1
rc=$?; expect "bad input path clean under memcheck (exit 2, got $rc)" test $rc -eq 2
finish
