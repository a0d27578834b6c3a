#!/usr/bin/env bash
# Shards without a cluster: --shard K/N run by hand and merged gives the
# rows of the unsharded run; status; merge refusing another plan's shard, a
# damaged row and a repetition twice (exit 2, nothing replaced); pooling
# across hosts only with --pool and matching facts; bad --shard / --slurm
# input; and the job array through a stand-in sbatch that runs the batch
# script's tasks in place (submission, refusal, resubmission of what is missing).
source "$(dirname "$0")/../harness/lib.sh" "$@"
SIM=$(dirname "$MMBENCH")/tests/shard_sim
cd "$WORK"
M=(-q -w null,malloc-free -a glibc,arena,arena-pool -t 1 -r 3 --preset quick --counters off)
keys() { cols "$1" workload params allocator threads rep status | LC_ALL=C sort; }

# --- by hand: three shards, merged, against one local run -----------------
"$MMBENCH" run "${M[@]}" -o local >/dev/null 2>&1
for k in 1 2 3; do "$MMBENCH" run "${M[@]}" --shard $k/3 -o sh >/dev/null 2>sh$k.log; done
expect "three shard folders" test "$(ls sh/shards | wc -l)" -eq 3
expect "the last shard merged on its own" test -s sh/runs.csv
expect "merged rows = local rows" cmp -s <(keys local/runs.csv) <(keys sh/runs.csv)
expect "merged runs.csv has host and host_kind" test "$(cols sh/runs.csv host host_kind | sort -u | wc -l)" -eq 1
expect "summary.csv ends with host" grep -q ',noisy,floor_ns_per_op,oversubscribed,noisy_limit,host$' <(head -1 sh/summary.csv)
expect "meta.json says complete" grep -q '"complete":[[:space:]]*true' sh/meta.json
# shards are disjoint and cover the plan
n_local=$(cols local/runs.csv workload params allocator threads | sort -u | wc -l)
n_list=$(($(wc -l < sh/shards.csv) - 1))
expect "shards.csv lists every cell ($n_list vs $n_local)" test "$n_list" -eq "$n_local"
"$MMBENCH" status sh > status.txt
expect "status: all done, exit 0" test $? -eq 0
expect "status: three done lines" test "$(grep -Ec '^[123] +done ' status.txt)" -eq 3

# --- status and merge of a partial run ------------------------------------
"$MMBENCH" run "${M[@]}" --shard 2/3 -o part >/dev/null 2>&1
"$MMBENCH" status part > pstatus.txt
expect "status: not done -> exit 1" test $? -eq 1
expect "status: shard 1 missing" grep -Eq '^1 +missing ' pstatus.txt
"$MMBENCH" merge --no-report part > pmerge.txt 2>&1
expect "partial merge exits 0 and says incomplete" grep -q '^incomplete:' pmerge.txt
expect "partial merge: meta.json complete=false" grep -q '"complete":[[:space:]]*false' part/meta.json

# --- a shard begun on a node that died, finished on another ---------------
cp -r sh moved
rm -f moved/runs.csv moved/summary.csv moved/meta.json
d=$(ls -d moved/shards/1-*)
mv "$d" moved/shards/1-deadnode
sed -i 's/"host": "[^"]*"/"host": "deadnode"/' moved/shards/1-deadnode/shard.json
lines=$(wc -l < moved/shards/1-deadnode/runs.csv) # the node died: its last two rows never came
head -n "$((lines - 2))" moved/shards/1-deadnode/runs.csv > t.csv && mv t.csv moved/shards/1-deadnode/runs.csv
"$MMBENCH" run --resume moved --shard 1/3 -q >/dev/null 2>&1
expect "other node: resumed shard exits 0" test $? -eq 0
new=$(ls -d moved/shards/1-* | grep -v deadnode)
expect "other node: a folder of its own" test -n "$new" -a -s "$new/runs.csv"
expect "other node: ran only the 2 missing rows" test "$(($(wc -l < "$new/runs.csv") - 1))" -eq 2
expect "other node: merged, every row once" cmp -s <(keys local/runs.csv) <(keys moved/runs.csv)
expect "other node: two hosts in the merged rows" test "$(cols moved/runs.csv host | sort -u | wc -l)" -eq 2

# --- merge refuses, nothing replaced ----------------------------------------
cp -r sh bad1
md5() { md5sum bad1/runs.csv bad1/summary.csv bad1/meta.json | cut -d' ' -f1; }
before=$(md5)
"$MMBENCH" run -q -w null,malloc-free -a glibc,arena,arena-pool -t 1 -r 2 --preset quick --counters off \
  --shard 1/3 -o other >/dev/null 2>&1
mv bad1/shards/1-* bad1/keep1
cp -r other/shards/1-* bad1/shards/
"$MMBENCH" merge -q --no-report bad1 2> err.txt
expect "another plan's shard: exit 2" test $? -eq 2
expect "another plan's shard: named" grep -q 'another plan' err.txt
expect "another plan's shard: one line" test "$(wc -l < err.txt)" -eq 1
expect "another plan's shard: nothing replaced" test "$(md5)" = "$before"
expect "another plan's shard: no staging left" test ! -e bad1/.merge
rm -rf bad1/shards/1-*
mv bad1/keep1 "bad1/shards/$(basename sh/shards/1-*)"
f=$(ls -d bad1/shards/2-*)
cp "$f/runs.csv" saved.csv
sed -n 2p "$f/runs.csv" | sed 's/^null,/nul,/; s/^malloc-free,/malloc-fre,/' >> "$f/runs.csv"
"$MMBENCH" merge -q --no-report bad1 2> err.txt
expect "damaged row: exit 2" test $? -eq 2
expect "damaged row: named with its line" grep -q 'runs.csv line [0-9]* is a damaged shard row' err.txt
expect "damaged row: nothing replaced" test "$(md5)" = "$before"
cp saved.csv "$f/runs.csv"
printf 'a,b\n' >> "$f/runs.csv"
sed -n 2p saved.csv >> "$f/runs.csv"
"$MMBENCH" merge -q --no-report bad1 2> err.txt
expect "malformed CSV: exit 2" test $? -eq 2
expect "malformed CSV: nothing replaced" test "$(md5)" = "$before"
cp saved.csv "$f/runs.csv"
cp -r "$f" bad1/shards/2-elsewhere
"$MMBENCH" merge -q --no-report bad1 2> err.txt
expect "repetition twice: exit 2" test $? -eq 2
expect "repetition twice: both folders named" grep -q 'also in shards/2-' err.txt
rm -rf bad1/shards/2-elsewhere
mkdir bad1/shards/7-x
"$MMBENCH" merge -q --no-report bad1 2> err.txt
expect "shard out of range: exit 2" test $? -eq 2
rmdir bad1/shards/7-x
"$MMBENCH" merge -q --no-report bad1 >/dev/null 2>&1
expect "repaired: merges again" test $? -eq 0
f=$(ls -d bad1/shards/2-*)
cp "$f/meta.json" savedmeta.json
sed -i 's/"signature":[[:space:]]*"[^"]*"/"signature": "2 sockets, 64 cores, 2 threads per core, 8 NUMA nodes, 128 usable CPUs, L3 262144 KiB"/' "$f/meta.json"
before=$(md5)
"$MMBENCH" merge -q --no-report bad1 2> err.txt
expect "another topology: exit 2" test $? -eq 2
expect "another topology: named, one line" test "$(grep -c 'ran on another topology' err.txt)" -eq 1 -a "$(wc -l < err.txt)" -eq 1
expect "another topology: nothing replaced" test "$(md5)" = "$before"
cp savedmeta.json "$f/meta.json"
"$MMBENCH" merge 2> err.txt
expect "merge without DIR: exit 2" test $? -eq 2
"$MMBENCH" merge local 2> err.txt
expect "merge of an unsharded folder: exit 2" test $? -eq 2
expect "merge of an unsharded folder: says so" grep -q 'not a sharded run' err.txt

# --- one cell on two hosts: pooled only with --pool and matching facts ------
cp -r sh pool
src=$(ls -d pool/shards/2-*)
dst=pool/shards/2-othernode
mkdir "$dst"
cp "$src/meta.json" "$src/plan.json" "$dst/"
sed 's/"host": "[^"]*"/"host": "othernode"/' "$src/shard.json" > "$dst/shard.json"
# the ok rows of repetition 2 move to the other host
head -1 "$src/runs.csv" > "$dst/runs.csv"
awk -F, 'NR > 1 && $5 == 2' "$src/runs.csv" >> "$dst/runs.csv"
awk -F, 'NR == 1 || $5 != 2' "$src/runs.csv" > t.csv && mv t.csv "$src/runs.csv"
moved=$(($(wc -l < "$dst/runs.csv") - 1))
expect "rows moved to the other host ($moved)" test "$moved" -ge 1
"$MMBENCH" merge -q --no-report pool >/dev/null 2>&1
expect "two hosts: merged" test $? -eq 0
cell=$(cols "$dst/runs.csv" workload params allocator | head -1 | tr '\t' ',')
per_host=$(grep -c "^$cell,1,ns_per_op," pool/summary.csv)
expect "no --pool: the cell has a summary row per host ($per_host)" test "$per_host" -eq 2
"$MMBENCH" merge -q --no-report --pool pool >/dev/null 2>&1
n_pooled=$(grep "^$cell,1,ns_per_op," pool/summary.csv | cut -d, -f6 | tr '\n' ' ')
expect "--pool, same facts: one row with 3 repetitions ($n_pooled)" test "$n_pooled" = "3 "
sed -i 's/"cpu_model":[[:space:]]*"[^"]*"/"cpu_model": "Another CPU"/' "$dst/meta.json"
"$MMBENCH" merge -q --no-report --pool pool >/dev/null 2>&1
per_kind=$(grep -c "^$cell,1,ns_per_op," pool/summary.csv)
expect "--pool, different machines: still a row per kind ($per_kind)" test "$per_kind" -eq 2
expect "meta.json lists two kinds of host" test "$(grep -c '"facts"' pool/meta.json)" -eq 2
"$MMBENCH" merge -q pool > pr.txt 2>&1
expect "two machines: a report per machine" test -s pool/hosts/othernode/report.html -a -s "pool/hosts/$(basename "$src" | cut -d- -f2-)/report.html"
expect "two machines: each folder has only its rows" test "$(($(wc -l < pool/hosts/othernode/runs.csv) - 1))" -eq "$moved"
expect "two machines: report.html indexes both" test "$(grep -c 'hosts/.*/report.html' pool/report.html)" -eq 2
# timeline rows go with their cell's repetition 0, which stayed on the first host
h=$(basename "$src" | cut -d- -f2-)
tl_all=$(($(wc -l < pool/timeline.csv) - 1))
expect "two machines: timeline rows with their cell's repetition 0 ($tl_all)" test "$tl_all" -ge 1 -a "$(($(wc -l < "pool/hosts/$h/timeline.csv") - 1))" -eq "$tl_all" -a "$(wc -l < pool/hosts/othernode/timeline.csv)" -eq 1
expect "two machines: the index counts each machine's rows" grep -q "othernode</a></td><td>.*</td><td>$moved</td></tr>" pool/report.html
expect "two machines: each folder's meta names its CPU" grep -q '"cpu_model":[[:space:]]*"Another CPU"' <(head -40 pool/hosts/othernode/meta.json)

# --- bad --shard / --slurm input: exit 2, one line, nothing written ------
for bad in 0/4 5/4 x 1/0 2/4x -1/4 /4 4/; do
  "$MMBENCH" run "${M[@]}" --shard "$bad" -o bs 2> err.txt
  expect "--shard $bad: exit 2" test $? -eq 2
  expect "--shard $bad: names K/N" grep -q 'K/N' err.txt
  expect "--shard $bad: one line" test "$(wc -l < err.txt)" -eq 1
  expect "--shard $bad: nothing written" test ! -e bs
done
"$MMBENCH" run "${M[@]}" --shard 1/3 2> err.txt
expect "--shard without a folder: exit 2" test $? -eq 2
"$MMBENCH" run "${M[@]}" --shard 1/4 -o sh 2> err.txt
expect "--shard 1/4 of a 3-shard run: exit 2" test $? -eq 2
expect "--shard 1/4 of a 3-shard run: says 3" grep -q 'split into 3 shards' err.txt
"$MMBENCH" run -q -w null -a glibc --shard 1/3 -o sh 2> err.txt
expect "--shard with another plan: exit 2" test $? -eq 2
"$MMBENCH" run "${M[@]}" --slurm --shards 3 -n -o bs > dry.txt 2>&1
expect "dry run: the split is shown" grep -q '^3 shards: ' dry.txt
expect "dry run: nothing written" test ! -e bs
"$MMBENCH" run "${M[@]}" --partition x -o bs 2> err.txt
expect "--partition without --slurm: exit 2" test $? -eq 2
NOSB=$WORK/nosbatch
mkdir -p "$NOSB"
PATH=$NOSB:/usr/bin:/bin
hide=$(command -v sbatch || true)
if [ -z "$hide" ]; then
  "$MMBENCH" run "${M[@]}" --slurm -o sl 2> err.txt
  expect "--slurm without sbatch: exit 2" test $? -eq 2
  expect "--slurm without sbatch: says so" grep -q 'needs sbatch on the PATH' err.txt
  expect "--slurm without sbatch: nothing written" test ! -e sl
else
  PATH=$NOSB "$MMBENCH" run "${M[@]}" --slurm -o sl 2> err.txt
  expect "--slurm without sbatch: exit 2" test $? -eq 2
  expect "--slurm without sbatch: says so" grep -q 'needs sbatch on the PATH' err.txt
  expect "--slurm without sbatch: nothing written" test ! -e sl
fi

# --- a stand-in sbatch: refuses, or runs the array's tasks in place -------
FAKE=$WORK/fakebin
mkdir -p "$FAKE"
cat > "$FAKE/sbatch" <<'EOF'
#!/usr/bin/env bash
# stand-in: "--parsable SCRIPT"; refuses when MMB_FAKE_REFUSE is set, else
# runs every task of the #SBATCH --array list in turn and prints a job id
[ -n "${MMB_FAKE_REFUSE:-}" ] && { echo "sbatch: error: invalid partition specified: nope" >&2; exit 1; }
script=${!#}
spec=$(sed -n 's/^#SBATCH --array=//p' "$script")
echo "$spec" >> "$(dirname "$script")/fake-arrays"
for part in ${spec//,/ }; do
  lo=${part%-*}; hi=${part#*-}
  for ((k = lo; k <= hi; k++)); do
    [ "${MMB_FAKE_SKIP:-}" = "$k" ] && continue
    SLURM_ARRAY_TASK_ID=$k sh "$script" >/dev/null 2>&1
  done
done
echo 4242
EOF
chmod +x "$FAKE/sbatch"
export PATH=$FAKE:$PATH
MMB_FAKE_REFUSE=1 "$MMBENCH" run "${M[@]}" --slurm --partition nope -o sl 2> err.txt
expect "sbatch refuses: exit 2" test $? -eq 2
expect "sbatch refuses: its message passed on" grep -q 'invalid partition specified: nope' err.txt
expect "sbatch refuses: one line" test "$(wc -l < err.txt)" -eq 1
expect "sbatch refuses: nothing left" test ! -e sl
"$MMBENCH" run "${M[@]}" --slurm --shards 99 -o sl 2> err.txt
expect "--shards above the cells: exit 2" test $? -eq 2
expect "--shards above the cells: nothing left" test ! -e sl
"$MMBENCH" run "${M[@]}" --slurm --time 'ab' -o sl 2> err.txt
expect "bad --time: exit 2" test $? -eq 2
MMB_FAKE_SKIP=2 "$MMBENCH" run "${M[@]}" --slurm --shards 3 -o sl > out.txt 2>&1
expect "submitted: job id printed" grep -q '^submitted job 4242' out.txt
expect "batch script: array 1-3, exclusive" grep -q -- '--array=1-3' sl/slurm/array.sh
expect "batch script: exclusive" grep -q -- '^#SBATCH --exclusive' sl/slurm/array.sh
expect "shard 2 not run: not merged" test ! -e sl/runs.csv
"$MMBENCH" run --resume sl --slurm > out.txt 2>&1
expect "resume: only shard 2 submitted" grep -q 'of 3 (2)' out.txt
expect "resume: array=2" test "$(tail -1 sl/slurm/fake-arrays)" = 2
expect "resume: merged by the last task" test -s sl/runs.csv
expect "resume: rows = local rows" cmp -s <(keys local/runs.csv) <(keys sl/runs.csv)
"$MMBENCH" run --resume sl --slurm > out.txt 2>&1
expect "resume of a finished run: nothing to resubmit" grep -q 'nothing to resubmit' out.txt
"$MMBENCH" run --resume sl 2> err.txt
expect "plain --resume of a sharded run: exit 2" test $? -eq 2
expect "plain --resume of a sharded run: says how" grep -q -- '--slurm' err.txt
"$MMBENCH" run --resume local --slurm 2> err.txt
expect "--resume --slurm of an unsharded run: exit 2" test $? -eq 2

# --- a synthetic run of 200 cells in 20 shards over 2 kinds of host ----------
"$SIM" gen syn 200 20 2 2 > syn.txt
"$MMBENCH" merge -q --no-report syn > syn-merge.txt 2>&1
expect "synthetic: merged" test $? -eq 0
expect "synthetic: 400 rows" test "$(($(wc -l < syn/runs.csv) - 1))" -eq 400
expect "synthetic: two kinds of machine" grep -q '2 kinds of machine' syn-merge.txt
finish
