#!/usr/bin/env bash
# Thread counts that follow the machine, and placement, through the CLI:
# -t auto on this machine (1, 2, 4, ... nproc), under `taskset -c 0` (1),
# on a fake 2 x 8 x 2 sysfs tree (1..32, 64 oversubscribed under full);
# --place recorded in runs.csv and meta.json with the exact worker CPUs;
# bad input (a --place typo, a mixed -t auto, an unreadable or malformed
# sysfs root, an affinity leaving no CPU): one line, exit 2, nothing written.
source "$(dirname "$0")/lib.sh" "$@"
TOPO=$(dirname "$MMBENCH")/tests/harness/test_topology
cd "$WORK"

threads_line() { "$MMBENCH" run -n -w larson -a glibc "$@" 2>/dev/null | grep '^threads: '; }

# this machine: 1, 2, 4, ... up to nproc, plus nproc when not a power of two
n=$(nproc); want=1; v=2
while [ "$v" -le "$n" ]; do want="$want,$v"; v=$((v * 2)); done
[ $((v / 2)) -ne "$n" ] && want="$want,$n"
line=$(threads_line -t auto)
echo "here: $line"
expect "auto here is $want" grep -q "^threads: $want (-t auto)" <<<"$line"
line=$(taskset -c 0 "$MMBENCH" run -n -w larson -a glibc -t auto 2>/dev/null | grep '^threads: ')
echo "taskset -c 0: $line"
expect "auto under taskset -c 0 is 1" grep -q '^threads: 1 (-t auto)' <<<"$line"
expect "auto under taskset -c 0 plans only t=1 cells" \
  test -z "$(taskset -c 0 "$MMBENCH" run -n -w larson -a glibc -t auto | grep -v ' t=1 ' | grep ' t=')"
line=$(threads_line -t auto --pin 0)
expect "auto under --pin 0 is 1" grep -q '^threads: 1 (-t auto)' <<<"$line"

# the fake machine
"$TOPO" --make-tree fake
line=$(MMB_SYSFS_ROOT=$WORK/fake threads_line -t auto)
echo "fake: $line"
expect "auto on 2x8x2 is 1..32" grep -q '^threads: 1,2,4,8,16,32 (-t auto)' <<<"$line"
expect "the note names the machine" grep -q '2 sockets, 16 cores, 2 threads per core, 2 NUMA nodes' <<<"$line"
line=$(MMB_SYSFS_ROOT=$WORK/fake threads_line -t auto --preset full)
expect "full adds 2x, oversubscribed" grep -q '^threads: 1,2,4,8,16,32,64 (-t auto), counts above' <<<"$line"
line=$(MMB_SYSFS_ROOT=$WORK/fake "$MMBENCH" run -n -w threads 2>/dev/null | grep '^threads: ')
expect "default preset: scaling workloads up to 32" \
  grep -q '^threads: 1,2; scaling workloads 1,2,4,8,16,32 (preset default: 1,2,4,auto)' <<<"$line"

# a short run under spread: the place column and meta.json's placement
"$MMBENCH" run -q -w larson -a glibc -t 1,2 --place spread -r 1 --scale 0.01 --floor off \
  -o sp >/dev/null 2>&1
expect "place column says spread" \
  test "$(cols sp/runs.csv place | sort -u)" = spread
workers2=$(python3 -c 'import json,sys; print(json.load(open("sp/meta.json"))["placement"]["workers"]["2"])')
expect "meta.json: 2 workers on distinct CPUs ($workers2)" \
  test "$(tr , '\n' <<<"$workers2" | sort -u | wc -l)" -eq "$([ "$n" -ge 2 ] && echo 2 || echo 1)"
expect "meta.json: topology recorded" grep -q '"smt_siblings"' sp/meta.json
taskset -c 0 "$MMBENCH" run -q -w larson -a glibc -t 2 --place compact -r 1 --scale 0.01 \
  --floor off -o tc >/dev/null 2>&1
expect "taskset -c 0: both workers on CPU 0" grep -q '"2":[[:space:]]*"0,0"' tc/meta.json
expect "taskset -c 0: the row ran" test "$(cols tc/runs.csv status)" = ok
# a worker CPU the cell may not use is an error row, not a silent run
"$MMBENCH" cell --workload larson --allocator glibc --threads 1 --cpus 1000 --fd 1 >cell.out 2>&1
expect "cell --cpus 1000 refused" grep -q 'not one this process may run on' cell.out

bad() { # bad DESCRIPTION COMMAND...
  local what=$1; shift
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -ne 2 ]; then fail "$what: exit $rc, not 2 ($out)"; return; fi
  if [ "$(grep -c . <<<"$out")" -ne 1 ]; then fail "$what: not one line: $out"; return; fi
  if [ -e out ]; then fail "$what: left a results folder"; rm -rf out; return; fi
  pass
  echo "$what: $out"
}
bad "--place typo" "$MMBENCH" run -w larson --place diagonal -o out
expect "--place typo names the choices" \
  grep -q "none, compact or spread, not 'diagonal'" <<<"$("$MMBENCH" run --place diagonal 2>&1)"
bad "-t auto,3" "$MMBENCH" run -w larson -t auto,3 -o out
bad "-t 2,auto" "$MMBENCH" run -w larson -t 2,auto -o out
bad "sysfs root missing" env MMB_SYSFS_ROOT=$WORK/nope "$MMBENCH" run -w larson -o out
cp -r fake broken && echo '0-x' >broken/sys/devices/system/cpu/online
bad "sysfs root malformed" env MMB_SYSFS_ROOT=$WORK/broken "$MMBENCH" run -w larson -o out
# a shard resolves the sweep on its node: a node of another shape stops
S=(run -q -w larson -a glibc -t auto -r 1 --scale 0.01 --floor off)
"$MMBENCH" "${S[@]}" --shard 1/2 -o shards >/dev/null 2>&1
expect "shard 1 ran here" test -s shards/shards/1-*/runs.csv
bad "shard on a node of another shape" env MMB_SYSFS_ROOT=$WORK/fake "$MMBENCH" "${S[@]}" --shard 2/2 -o shards
expect "that error names both sweeps" grep -q "thread counts 1,2,4,8,16,32, the shard list was made for $want" \
  <<<"$(MMB_SYSFS_ROOT=$WORK/fake "$MMBENCH" "${S[@]}" --shard 2/2 -o shards 2>&1)"
bad "affinity leaves no CPU" taskset -c 0 "$MMBENCH" run -w larson -a glibc --pin 1 -o out
finish
