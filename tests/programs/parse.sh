#!/usr/bin/env bash
# Program descriptors: malformed ones are refused before anything is
# written, with one line naming the file, the line and what would be right;
# `mmbench list programs` shows every shipped program.
source "$(dirname "$0")/../harness/lib.sh" "$@"
cd "$WORK"

# refused: run -w prog:FILE exits 2, writes nothing, and says $2 on one line
refused() {
  local file=$1 want=$2
  "$MMBENCH" run -q -w "prog:$file" -a glibc -r 1 -o out >log 2>&1
  local rc=$?
  expect "$file refused with exit 2 (got $rc: $(head -1 log))" test "$rc" -eq 2
  expect "$file: message '$want' (got: $(head -1 log))" grep -qF -- "$want" log
  expect "$file: one line" test "$(wc -l <log)" -eq 1
  expect "$file: nothing written" test ! -e out
}

printf 'description = no command\nexpect = x\n' >nocmd.prog
refused nocmd.prog "nocmd.prog: no 'command = ...' line"
printf 'command = true\n# a comment\ncomand = true\n' >typo.prog
refused typo.prog "typo.prog:3: unknown key 'comand' (valid: name,"
printf 'command = true\ntimeout = soon\n' >timeout.prog
refused timeout.prog "timeout.prog:2: timeout must be seconds"
printf 'command = true\ntimeout = -5\n' >timeout2.prog
refused timeout2.prog "timeout2.prog:2: timeout must be seconds"
printf 'command = cat {dir}/data.txt\ninput = {dir}/data.txt\n' >noinput.prog
refused noinput.prog "data.txt: No such file or directory"
printf 'command = echo "open\n' >quote.prog
refused quote.prog "quote.prog:1: command: a quote (\") is not closed"
printf 'command = true\nserver = sleep 10\n' >noready.prog
refused noready.prog "a server needs 'ready = unix PATH' or 'ready = tcp PORT'"
printf 'command = true {size}\n' >nosize.prog
refused nosize.prog "uses {size} but there is no 'size = N' line"
printf 'command = true\nmetric = rps [0-9]+\n' >nogroup.prog
refused nogroup.prog "the regex needs a group"
printf 'command = no-such-program-mmb --x\n' >absent.prog
refused absent.prog "the command of 'absent' is not found"
refused does-not-exist.prog "does-not-exist.prog: cannot read it"

# cmd: with a command that does not exist
"$MMBENCH" run -q -w 'cmd:no-such-program-mmb -x' -a glibc -r 1 -o out >log 2>&1
rc=$?
expect "cmd: not found refused ($rc: $(cat log))" test "$rc" -eq 2
expect "cmd: message names the command" grep -q "command 'no-such-program-mmb' not found" log
expect "cmd: nothing written" test ! -e out

# a malformed shipped descriptor: list and run refuse, naming it
mkdir shipped
printf 'command = true\nbogus = 1\n' >shipped/broken.prog
MMB_PROGRAMS_DIR=$WORK/shipped "$MMBENCH" list programs >log 2>&1
rc=$?
expect "list refuses a malformed shipped descriptor ($rc)" test "$rc" -eq 2
expect "list names file and line ($(cat log))" grep -q "broken.prog:2: unknown key 'bogus'" log
MMB_PROGRAMS_DIR=$WORK/shipped "$MMBENCH" run -q -w programs -a glibc -o out >log 2>&1
expect "run -w programs refuses it too" test $? -eq 2
expect "nothing written" test ! -e out

# the shipped list
"$MMBENCH" list programs >list.txt 2>&1
expect "list programs works" test $? -eq 0
for p in lua-trees lua-strings sqlite z3 python gcc ghostscript redis memcached; do
  expect "list shows $p" grep -qE "^  $p +.* (yes|no) " list.txt
done
expect "list shows redis's package" grep -qE "^  redis +redis-server " list.txt
finish
