#!/usr/bin/env bash
# A real plan of 32 768 cells (one workload swept over 64 sizes x 64 counts,
# two allocators, four thread counts) split into 1 000 shards through
# `run --slurm` with a stand-in sbatch that accepts the job and runs nothing:
# the whole plan is written, the split is balanced, and the same options
# give the same split twice (every array task relies on that); the dry run
# and shard_sim agree with it. A plan over the cell limit is refused in one
# line, with the limit, and nothing is written.
source "$(dirname "$0")/../harness/lib.sh" "$@"
SIM=$(dirname "$MMBENCH")/tests/shard_sim
cd "$WORK"
mkdir fakebin
printf '#!/bin/sh\n# stand-in sbatch: accepts the job array, runs nothing\necho 4242\n' > fakebin/sbatch
chmod +x fakebin/sbatch
SIZES=$(seq -s, 1 64)
COUNTS=$(seq -s, 1000 1063)
P=(-w malloc-free -a glibc,jemalloc -t 1,2,4,8 -p "size=$SIZES" -p "n=$COUNTS" --floor off)

for d in a b; do
  PATH=$WORK/fakebin:$PATH "$MMBENCH" run "${P[@]}" --slurm --shards 1000 -o $d > $d.out 2> $d.err
  expect "--slurm $d: exit 0" test $? -eq 0
done
expect "shards.json: 32768 cells in 1000 shards" \
  grep -qz '"shards": 1000,.*"cells": 32768' a/shards.json
expect "shards.csv lists every cell" test "$(($(wc -l < a/shards.csv) - 1))" -eq 32768
expect "every cell listed once" test "$(cols a/shards.csv workload params allocator threads | sort -u | wc -l)" -eq 32768
cols a/shards.csv shard | sort -n | uniq -c | awk '{ print $1 }' | sort -n | uniq > sizes.txt
expect "every shard 1..1000 has cells" test "$(cols a/shards.csv shard | sort -u | wc -l)" -eq 1000
expect "shards hold 32 or 33 cells ($(tr '\n' ' ' < sizes.txt))" test "$(tr '\n' ' ' < sizes.txt)" = "32 33 "
expect "the same options give the same split" cmp -s a/shards.csv b/shards.csv
expect "the same options give the same plan.json" cmp -s a/plan.json b/plan.json
expect "the submission names the plan's size" grep -q '1000 array tasks, one per shard of 32768 cells' a.out

# the dry run previews the same split; shard_sim splits it in-process alike
"$MMBENCH" run "${P[@]}" -n --shard 1/1000 -o dry > dry.out 2>&1
expect "dry run: exit 0" test $? -eq 0
expect "dry run: 32768 cells" grep -q '^32768 cells (0 skipped)' dry.out
expect "dry run: 32 to 33 cells a shard" grep -q '^1000 shards: 32 to 33 cells each' dry.out
expect "dry run: writes nothing" test ! -e dry
"$SIM" plan sim 1000 malloc-free glibc,jemalloc 1,2,4,8 "size=$SIZES" "n=$COUNTS" > sim.out
expect "shard_sim: split twice, the same" grep -q 'cells=32768 shards=1000 .*same_split=1' sim.out
expect "shard_sim: the CLI's shards.csv" cmp -s a/shards.csv sim/shards.csv

# over the limit: 6 allocators x 16 thread counts x 64 x 64 x 3 touch modes
PATH=$WORK/fakebin:$PATH "$MMBENCH" run -w malloc-free \
  -a 'glibc,jemalloc,mimalloc,tcmalloc,arena-pool,glibc[MALLOC_ARENA_MAX=1]' -t "$(seq -s, 1 16)" \
  -p "size=$SIZES" -p "n=$COUNTS" --touch word,full,none --floor off --slurm --shards 1000 -o big \
  > big.out 2> big.err
expect "over the limit: exit 2" test $? -eq 2
expect "over the limit: one line" test "$(wc -l < big.err)" -eq 1
expect "over the limit: names the limit" grep -q 'more than 1000000 cells (the limit): narrow' big.err
expect "over the limit: nothing written" test ! -e big
finish
