#!/usr/bin/env bash
# Failures of programs are results: wrong output is corrupt, a wrong exit
# status an error, a server that never comes up an error while the matrix
# goes on, a program that is not installed skipped with its package, and a
# preloaded library that aborts after N calls a crash of every program.
source "$(dirname "$0")/../harness/lib.sh" "$@"
cd "$WORK"
export -f cols
export CSV_CUT
like() { [[ $1 == $2 ]]; } # like VALUE GLOB
ABORT=$FAULTS   # the abort-after-N library
mkdir tmp
export TMPDIR=$WORK/tmp
printf 'name = wrong-output\ncommand = echo hello\nexpect = goodbye\n' >wrong.prog
printf 'name = bad-exit\ncommand = sh -c "exit 3"\n' >exit.prog
printf 'name = never-ready\nserver = sleep 30\nready = unix {tmp}/never.sock\nready-timeout = 0.5\ncommand = true\n' >never.prog
printf 'name = dies-early\nserver = sh -c "exit 4"\nready = tcp 1\ncommand = true\n' >dies.prog
printf 'name = not-here\npackage = mmb-no-such-package\ncommand = mmb-no-such-program\n' >absent.prog
printf 'name = fine\ncommand = echo fine\nexpect = fine\nchecksum = stdout\n' >fine.prog
"$MMBENCH" run -q -w prog:wrong.prog,prog:exit.prog,prog:never.prog,prog:dies.prog,prog:absent.prog,prog:fine.prog \
  -a glibc -r 1 --timeout 20 -o out >log 2>&1
rc=$?
expect "matrix completes (exit $rc): $(tail -2 log)" test "$rc" -eq 0
st() { cols out/runs.csv workload status reason | awk -F'\t' -v w="$1" '$1==w {print $2 "|" $3}'; }
expect "wrong output is corrupt ($(st wrong-output))" like "$(st wrong-output)" "corrupt|*goodbye*"
expect "wrong exit status is an error ($(st bad-exit))" like "$(st bad-exit)" "error|*exit status 3, not 0*"
expect "server never ready is an error ($(st never-ready))" like "$(st never-ready)" "error|*not ready*"
expect "server that exits is an error ($(st dies-early))" like "$(st dies-early)" "error|*server exited (status 4)*"
expect "missing program skipped with its package ($(st not-here))" \
  like "$(st not-here)" "skipped|*apt-get install mmb-no-such-package*"
expect "the rest still runs ($(st fine))" test "$(st fine)" = "ok|"
expect "failed rows carry no measurement" \
  test -z "$(cols out/runs.csv status wall_ns | awk -F'\t' '$1!="ok" && $1!="corrupt" && $2!=""')"
expect "no run folders left behind ($(ls tmp))" test -z "$(ls tmp)"

# A statically linked program cannot be given a malloc: skipped, never run
# as if it were (glibc, where nothing is preloaded, runs it).
if printf 'int main(void) { return 0; }\n' >st.c && cc -static -o static-true st.c 2>/dev/null; then
  "$MMBENCH" run -q -w "cmd:$WORK/static-true" -a glibc,"preload:$ABORT" -r 1 -o st >log 2>&1
  expect "static program run completes ($(tail -1 log))" test $? -eq 0
  expect "static program skipped under a preload ($(cols st/runs.csv allocator status reason | tr '\t\n' '  '))" \
    bash -c "cols st/runs.csv allocator status reason | grep -qP '^preload:.*\tskipped\t.*statically linked'"
  expect "static program runs under glibc" bash -c "cols st/runs.csv allocator status | grep -qP '^glibc\tok'"
fi

# A preload that does not reach the program is invalid, never a result of
# that allocator: the loader of a setuid program drops LD_PRELOAD paths
# without a word. The loader run as the command still gets it, and so does
# the same program without the setuid bit.
# (sleep: a program that lives long enough to be looked at)
if [ "$(id -u)" = 0 ] && cp "$(command -v id)" suid-id && chown nobody suid-id && chmod u+s suid-id &&
  [ "$(./suid-id -u)" != 0 ] && cp "$(command -v sleep)" suid-sleep && chown nobody suid-sleep &&
  chmod u+s suid-sleep; then
  cp "$(command -v sleep)" plain-sleep
  LDSO=$(awk '$NF ~ /\/ld-linux/ {print $NF; exit}' /proc/self/maps)
  "$MMBENCH" run -q -w "cmd:$WORK/suid-sleep 0.5,cmd:$WORK/plain-sleep 0.5,cmd:$LDSO $WORK/plain-sleep 0.5" \
    -a "preload:$ABORT" -r 2 -o inj >log 2>&1
  expect "injection matrix completes ($(tail -1 log))" test $? -eq 0
  got=$(cols inj/runs.csv workload status reason | awk -F'\t' '$1 ~ /suid-sleep/ {print $2 "|" $3}' | sort -u)
  expect "setuid program: invalid ($got)" like "$got" "invalid|*was not mapped in the program*"
  got=$(cols inj/runs.csv workload injected | awk -F'\t' '$1 ~ /suid-sleep/ {print $2}' | sort -u)
  expect "setuid program: injected 0 ($got)" test "$got" = 0
  got=$(cols inj/runs.csv workload status injected | awk -F'\t' '$1 ~ /plain-sleep/ {print $2 "|" $3}' | sort -u)
  why=$(cols inj/runs.csv workload status reason | awk -F'\t' '$1 ~ /plain-sleep/ && $2 != "ok" {print $1 ": " $3}' | head -2)
  expect "plain program and the loader as command: ok, injected ($got $why)" test "$got" = "ok|1"
fi

# mmbench rebuilt while it runs (its file replaced, as a link step does):
# a child not yet exec'ed is still a fork of it, not a program without the
# library, so every cell is still seen injected.
cp "$MMBENCH" mmb-copy
./mmb-copy run -q -w "cmd:sleep 0.3" -a "preload:$ABORT" -r 8 -o moved >log-moved 2>&1 &
mpid=$!
sleep 1
cp mmb-copy mmb-new && mv -f mmb-new mmb-copy
wait $mpid
expect "run across a rebuild completes ($(tail -1 log-moved))" test $? -eq 0
got=$(cols moved/runs.csv status injected | sort -u | paste -sd, -)
expect "every cell across the rebuild injected ($got)" test "$got" = "ok	1"

# Injection reaches every program: an allocator aborting after 20 calls
# crashes each of them (redis is skipped: it is tied to jemalloc). 20, not
# more: memcached's server allocates little once it is up (its slabs are
# 1 MiB), so a later abort may never come before the client is done; its
# start-up alone makes more than 20 calls, every time.
"$MMBENCH" run -q -w programs -a "preload:$ABORT[MMB_ABORT_AFTER=20]" -r 1 --preset quick --scale 0.02 \
  -o crash >log 2>&1
rc=$?
expect "crash matrix completes (exit $rc): $(tail -2 log)" test "$rc" -eq 0
while IFS=$'\t' read -r w s r; do
  case "$s" in
    skipped) expect "$w skipped only for a reason ($r)" like "$r" "*jemalloc*" ;;
    *) expect "$w crashes under the aborting malloc ($s: $r)" like "$s: $r" "crash: *Aborted*" ;;
  esac
done < <(cols crash/runs.csv workload status reason)
expect "every shipped program has a row" test "$(cols crash/runs.csv workload | sort -u | wc -l)" -ge 9
finish
