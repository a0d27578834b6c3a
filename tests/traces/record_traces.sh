#!/usr/bin/env bash
# scripts/record-traces: a program of the programs family is recorded once
# into the trace folder at its size x scale, kept while its command and input
# are the same, recorded again with --force or when the input changes; a
# program that is not installed is noted (exit 1), an unknown name refused
# (exit 2); trace-replay finds the trace by name.
source "$(dirname "$0")/../harness/lib.sh" "$@"
SCRIPT=$(dirname "$0")/../../scripts/record-traces
BUILD=$(dirname "$MMBENCH")
cd "$WORK"
mkdir progs traces
printf 'print("x")\n' >progs/in.txt
cat >progs/tiny.prog <<'P'
description = test: sh reading its input
package = dash
command = sh -c "cat {dir}/in.txt >/dev/null; echo {size}"
input = {dir}/in.txt
size = 40
P
cat >progs/absent.prog <<'P'
description = test: a program that is not installed
package = nothing
command = no-such-program-here {size}
size = 4
P
export MMB_TRACE_DIR=$WORK/traces MMB_PROGRAMS_DIR=$WORK/progs
"$SCRIPT" --build "$BUILD" --scale 0.25 tiny >log 2>&1
expect "records tiny: $(tail -2 log)" test $? -eq 0
expect "trace written" test -s traces/tiny.mmbt
expect "at size 40 x 0.25 = 10" grep -q "echo 10" traces/tiny.mmbt.stamp
expect "trace info reads it" "$MMBENCH" trace info traces/tiny.mmbt
before=$(stat -c %Y.%s traces/tiny.mmbt; cat traces/tiny.mmbt.stamp)
sleep 1
"$SCRIPT" --build "$BUILD" --scale 0.25 tiny >log2 2>&1
expect "kept when nothing changed" test "$(stat -c %Y.%s traces/tiny.mmbt; cat traces/tiny.mmbt.stamp)" = "$before"
expect "says nothing when kept" test ! -s log2
printf 'print("y")\n' >progs/in.txt
"$SCRIPT" --build "$BUILD" --scale 0.25 tiny >log3 2>&1
expect "recorded again when the input changed" grep -q "recording tiny" log3
"$SCRIPT" --build "$BUILD" --scale 0.25 --force tiny >log4 2>&1
expect "recorded again with --force" grep -q "recording tiny" log4
"$SCRIPT" --build "$BUILD" absent >log5 2>&1
expect "a program not installed: exit 1" test $? -eq 1
expect "names the package" grep -q "package nothing" log5
expect "no trace for it" test ! -e traces/absent.mmbt
"$SCRIPT" --build "$BUILD" nosuch >log6 2>&1
expect "an unknown name: exit 2" test $? -eq 2
"$MMBENCH" run -n -w trace-replay -p file=tiny -a glibc >plan.txt 2>&1
expect "trace-replay finds it by name" grep -q "file=tiny.* run" plan.txt
finish
