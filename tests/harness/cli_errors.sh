#!/usr/bin/env bash
# Malformed invocations: each must print one line on stderr, exit 2, and
# leave no results folder behind.
source "$(dirname "$0")/lib.sh" "$@"
cd "$WORK"
printf 'size,weight\n' > empty.csv
mkdir -p ro && chmod 555 ro
mkdir -p has && echo x > has/runs.csv

bad() { # bad DESCRIPTION ARGS...
  local what=$1; shift
  local out rc lines
  out=$("$MMBENCH" "$@" 2>&1 >/dev/null); rc=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [ "$rc" -ne 2 ]; then fail "$what: exit $rc, not 2 ($out)"; return; fi
  if [ "$lines" -ne 1 ]; then fail "$what: $lines lines of error, not 1: $out"; return; fi
  if [ -e out ]; then fail "$what: left a results folder"; rm -rf out; return; fi
  pass
}

bad "no command"
bad "unknown command" frobnicate
bad "typo in command" runn
bad "unknown workload" run -w mallocfree -o out
bad "unknown family" run -w nosuchfamily -o out
bad "unknown allocator" run -w null -a jemaloc -o out
bad "empty list item" run -w null, -o out
bad "unknown preset" run --preset fast -o out
bad "reps zero" run -w null -r 0 -o out
bad "reps text" run -w null -r many -o out
bad "threads negative" run -w null -t -1 -o out
bad "threads zero" run -w null -t 0 -o out
bad "threads too many" run -w null -t 100000 -o out
bad "param not a number" run -w malloc-free -p size=abc -o out
bad "param out of range" run -w malloc-free -p size=0 -o out
bad "param too big" run -w malloc-free -p size=99999999999999 -o out
bad "param unknown" run -w malloc-free -p colour=red -o out
bad "param without value" run -w malloc-free -p size -o out
bad "param bad suffix" run -w malloc-free -p size=4Q -o out
bad "scale zero" run -w null --scale 0 -o out
bad "timeout negative" run -w null --timeout -5 -o out
bad "warmup text" run -w null --warmup x -o out
bad "seed text" run -w null --seed abc -o out
bad "pin letters" run -w null --pin abc -o out
bad "empty workload list" run -w '' -o out
bad "empty allocator list" run -w null -a '' -o out
bad "empty thread list" run -w null -t '' -o out
bad "pin a CPU this machine lacks" run -w null --pin 99999 -o out
bad "pin a CPU past the last one" run -w null --pin "$(nproc --all)" -o out
bad "pin a reversed range" run -w null --pin 1-0 -o out
bad "pin a trailing comma" run -w null --pin 0, -o out
bad "unknown option" run --frobnicate -o out
bad "missing option value" run -w
bad "stray argument" run -w null extra -o out
bad "preload missing path" run -w null -a preload:/nonexistent/libx.so -o out
bad "preload empty" run -w null -a preload: -o out
bad "preload no malloc" run -w null -a "preload:$FAULTS/libmmbfault_nomalloc.so" -o out
bad "settings unclosed" run -w null -a "glibc[MALLOC_ARENA_MAX=1" -o out
bad "settings not k=v" run -w null -a "glibc[oops]" -o out
bad "allocator twice" run -w null -a glibc,glibc -o out
bad "unwritable folder" run -w null -a glibc -o has/runs.csv/sub
bad "folder holds results" run -w null -a glibc -o has
bad "resume and out" run --resume has -o out
bad "resume without plan" run --resume nowhere
bad "list unknown" list nosuch
bad "env extra" env extra
bad "check unknown allocator" check-allocator jemaloc
bad "unknown counters mode" run -w null --counters maybe -o out
bad "unknown event" run -w null --events not-an-event -o out
bad "touch value unknown" run -w churn-random --touch some -o out
bad "touch list item unknown" run -w churn-random --touch word,all -o out
bad "touch param unknown" run -w malloc-free -p touch=half -o out
bad "touch on a workload without it" run -w binary-trees -p touch=full -o out
bad "floor mode unknown" run -w churn-random --floor maybe -o out
bad "floor on for a workload without one" run -w churn-random,binary-trees --floor on -o out
bad "t1 place unknown" run -w malloc-free --t1 beside -o out
# A resumable folder with another plan.
"$MMBENCH" run -q -w null -a glibc -p n=1000 -r 1 -o plan1 >/dev/null 2>&1 || fail "setup run"
bad "resume other plan" run --resume plan1 -w malloc-free
bad "trace model: no trace" trace model /nonexistent.mmbt -o out
bad "trace model: no -o" trace model /nonexistent.mmbt
bad "trace model: typo" trace model --chek x
bad "trace model: malformed model" trace model --check empty.csv
bad "env: typo" env --countres
chmod 755 ro
finish
