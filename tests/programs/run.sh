#!/usr/bin/env bash
# Every installed program at a tiny input under glibc and jemalloc, verified
# (exit status, expected lines, the same stdout checksum under both); redis
# runs under jemalloc only, glibc recorded as skipped with the reason.
source "$(dirname "$0")/../harness/lib.sh" "$@"
SRC=$(realpath "$(dirname "$0")/../..")
cd "$WORK"
export -f cols
export CSV_CUT
"$MMBENCH" list allocators | grep -qE '^  jemalloc +preload +yes' || { echo "jemalloc not built"; exit 77; }
"$MMBENCH" run -q --preset quick -w programs -a glibc,jemalloc -r 1 --scale 0.02 -o out >log 2>&1
rc=$?
expect "run completes (exit $rc): $(tail -2 log)" test "$rc" -eq 0
row() { cols out/runs.csv workload allocator status reason | awk -F'\t' -v w="$1" -v a="$2" '$1==w && $2==a'; }
for p in lua-trees lua-strings sqlite z3 python gcc ghostscript; do
  if ! "$MMBENCH" list programs | grep -qE "^  $p .* yes "; then
    expect "$p not installed: skipped with its package" \
      bash -c "cols out/runs.csv workload status reason | grep -qP '^$p\tskipped\t.*apt-get install'"
    continue
  fi
  for a in glibc jemalloc; do
    expect "$p under $a ok ($(row $p $a))" test "$(row $p $a | cut -f3)" = ok
  done
  sums=$(cols out/runs.csv workload checksum | awk -F'\t' -v w=$p '$1==w {print $2}' | sort -u)
  expect "$p: one non-empty checksum under both ($sums)" test "$(echo "$sums" | wc -l)" -eq 1 -a -n "$sums"
done
if "$MMBENCH" list programs | grep -qE "^  redis .* yes "; then
  expect "redis under jemalloc ok ($(row redis jemalloc))" test "$(row redis jemalloc | cut -f3)" = ok
  expect "redis under glibc skipped: links jemalloc ($(row redis glibc))" \
    bash -c "cols out/runs.csv workload allocator status reason | grep -qP '^redis\tglibc\tskipped\t.*links libjemalloc'"
  rps=$(cols out/runs.csv workload allocator set_rps | awk -F'\t' '$1=="redis" && $2=="jemalloc" {print $3}')
  expect "redis requests/s parsed ($rps)" awk -v r="$rps" 'BEGIN {exit !(r > 0)}'
  # under another malloc: skipped for the extended API, never run mixed
  "$MMBENCH" run -q -w redis -a mimalloc -r 1 --preset quick -o out2 >log2 2>&1
  expect "redis under mimalloc skipped for mallctl ($(cols out2/runs.csv status reason))" \
    bash -c "cols out2/runs.csv status reason | grep -qP '^skipped\t.*jemalloc.s extended API \(.*mallctl'"
fi
if "$MMBENCH" list programs | grep -qE "^  memcached .* yes "; then
  for a in glibc jemalloc; do
    expect "memcached under $a ok ($(row memcached $a))" test "$(row memcached $a | cut -f3)" = ok
  done
  secs=$(cols out/runs.csv workload set_s | awk -F'\t' '$1=="memcached" {print $2}' | head -1)
  expect "memcached: seconds to set parsed ($secs)" awk -v r="$secs" 'BEGIN {exit !(r > 0)}'
fi
# the preloaded library was seen mapped in every program run under jemalloc
inj=$(cols out/runs.csv allocator status injected | awk -F'\t' '$1=="jemalloc" && $2=="ok" {print $3}' | sort -u | paste -sd, -)
expect "injection seen in every jemalloc run ($inj)" test "$inj" = 1
# the measured values are the program's: CPU time, peak RSS, RSS over time
cpu=$(cols out/runs.csv workload allocator cpu_ns peak_rss_kb | awk -F'\t' '$1=="python" && $2=="glibc" {print $3, $4}')
expect "python: CPU time and peak RSS recorded ($cpu)" awk -v c="$cpu" 'BEGIN {split(c, v, " "); exit !(v[1] > 1e6 && v[2] > 3000)}'
expect "timeline has program samples" grep -q '^python,' out/timeline.csv
# arena-pool reaches programs through its preloadable build, which passes
# the same conformance checks as any malloc
SO=$(dirname "$MMBENCH")/libmmbarenapool.so
if [ -e "$SO" ]; then
  "$MMBENCH" check-allocator "preload:$SO" >conf.txt 2>&1
  expect "libmmbarenapool.so conforms ($(tail -1 conf.txt))" grep -q 'verdict: ok' conf.txt
  "$MMBENCH" run -q -w lua-trees,sqlite -a arena-pool -r 1 --preset quick --scale 0.02 -o out4 >log4 2>&1
  expect "programs run on arena-pool ($(cols out4/runs.csv workload status reason | tr '\t\n' ' '))" \
    test "$(cols out4/runs.csv status | sort -u)" = ok
fi
# a user's own descriptor by path, and a command
cp "$SRC/workloads/programs/lua-trees.prog" mine.prog
sed -i 's/^description/name = my-trees\ndescription/; s#{dir}/lua#'"$SRC/workloads/programs/lua"'#g' mine.prog
"$MMBENCH" run -q -w "prog:mine.prog,cmd:sort -n mine.prog" -a glibc -r 1 --preset quick -o out3 >log3 2>&1
expect "prog:PATH and cmd: run ($(tail -1 log3))" test $? -eq 0
expect "prog: row ok" bash -c "cols out3/runs.csv workload status | grep -qP '^my-trees\tok'"
expect "cmd: row ok" bash -c "cols out3/runs.csv workload status | grep -qP '^cmd:sort -n mine.prog\tok'"
# --counters sim: the program and its children under callgrind, counts summed
if command -v valgrind >/dev/null; then
  "$MMBENCH" run -q -w 'cmd:sh -c true' -a glibc -r 1 --counters sim -o out5 >log5 2>&1
  ir=$(cols out5/runs.csv sim_Ir)
  expect "sim counts a program ($ir: $(tail -1 log5))" awk -v v="$ir" 'BEGIN {exit !(v > 10000)}'
fi
finish
