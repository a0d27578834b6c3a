#!/usr/bin/env bash
# End to end: a tiny matrix with every available allocator; the results
# folder is complete and well formed.
source "$(dirname "$0")/lib.sh" "$@"
cd "$WORK"
JSONCHECK=$(dirname "$MMBENCH")/tests/json_check
[ -x "$JSONCHECK" ] || JSONCHECK=$(dirname "$MMBENCH")/json_check
allocs=$("$MMBENCH" list allocators | awk '$3=="yes"{print $1}' | paste -sd, -)
expect "some allocators available" test -n "$allocs"
"$MMBENCH" run -n -w null,malloc-free -a "$allocs" -t 1,2 -r 2 -p n=20000 -p size=64 >dry 2>&1
"$MMBENCH" run -w null,malloc-free -a "$allocs" -t 1,2 -r 2 -p n=20000 -p size=64 -o out >log 2>&1
rc=$?
expect "run exits 0 (log: $(tail -3 log))" test "$rc" -eq 0
for f in runs.csv summary.csv meta.json plan.json timeline.csv; do
  expect "$f written" test -s "out/$f"
done
expect "runs.csv header" test "$(head -1 out/runs.csv | cut -d, -f1-21)" = \
  "workload,params,allocator,threads,rep,status,reason,wall_ns,cpu_ns,ops,ns_per_op,peak_rss_kb,minflt,majflt,nvcsw,nivcsw,live_bytes,final_rss_kb,rss_per_live,checksum,reclaimed"
ncols=$(head -1 out/runs.csv | awk -F, '{print NF}')
expect "every runs.csv row has $ncols fields" test -z "$(awk -F, -v n="$ncols" 'NF!=n' out/runs.csv)"
nalloc=$(echo "$allocs" | tr , '\n' | wc -l)
# each cell: ok rows = reps, or one skipped/nonconforming row; a combination
# that cannot exist has no row and is listed n/a by -n
for a in $(echo "$allocs" | tr , ' '); do
  for w in null malloc-free; do
    for t in 1 2; do
      rows=$(awk -F, -v a="$a" -v w="$w" -v t="$t" '$1==w && $3==a && $4==t' out/runs.csv)
      n=$(printf '%s\n' "$rows" | grep -c .)
      st=$(printf '%s\n' "$rows" | cut -d, -f6 | sort -u | paste -sd/ -)
      case "$st" in
        ok) expect "$w/$a/t$t has 2 ok rows" test "$n" -eq 2 ;;
        skipped|nonconforming) expect "$w/$a/t$t has one $st row" test "$n" -eq 1 ;;
        "") expect "$w/$a/t$t has no row: n/a in the plan" \
              grep -Eq "^$w +[^ ]+ +$a +t=$t +n/a: " dry ;;
        *) fail "$w/$a/t$t status $st: $(printf '%s\n' "$rows" | cut -d, -f7 | head -1)" ;;
      esac
    done
  done
done
# ok rows carry measurements; ns_per_op > 0 and ops as asked
expect "ok rows have ns_per_op > 0" test -z "$(awk -F, 'NR>1 && $6=="ok" && !($11>0)' out/runs.csv)"
expect "malloc-free ops = 20000" test -z "$(awk -F, 'NR>1 && $6=="ok" && $1=="malloc-free" && $10!=20000' out/runs.csv)"
expect "summary.csv header" test "$(head -1 out/summary.csv)" = \
  "workload,params,allocator,threads,metric,n,n_runs,status,median,min,max,mean,stddev,cv,ci_lo,ci_hi,ci_level,noisy,floor_ns_per_op,oversubscribed,noisy_limit"
expect "summary has ns_per_op of glibc null" grep -q '^null,n=20000,glibc,1,ns_per_op,2,2,ok,' out/summary.csv
expect "meta.json well formed" "$JSONCHECK" out/meta.json command preset started finished git.commit host.cpu_model host.kernel glibc allocators.glibc.version plan.reps counters
expect "plan.json well formed" "$JSONCHECK" out/plan.json workloads allocators reps seed
expect "timeline has samples" test "$(wc -l < out/timeline.csv)" -ge 1
# every timed repetition is sampled alike (not repetition 0 alone); warm-ups are not
"$MMBENCH" run -q -w malloc-free -a glibc -t 1 -r 2 --warmup 1 --floor off -p n=4000000 -o tl >tl.log 2>&1
expect "timeline: samples of repetitions 0 and 1, none of the warm-up ($(cut -d, -f5 tl/timeline.csv | sort -u | paste -sd' '))" \
  test "$(tail -n +2 tl/timeline.csv | cut -d, -f5 | sort -u | paste -sd' ')" = "0 1"
expect "no temporary files left" test -z "$(ls -A out | grep '^\.')"

# The region's memory and marks: base_rss_kb <= peak_rss_kb on ok rows,
# oversubscribed 0/1, cgroup_peak_kb filled exactly when meta.json says a
# memory cgroup was made per cell.
col() { head -1 "$1" | tr , '\n' | grep -nx "$2" | cut -d: -f1; }
cb=$(col out/runs.csv base_rss_kb) cp=$(col out/runs.csv peak_rss_kb) co=$(col out/runs.csv oversubscribed)
cg=$(col out/runs.csv cgroup_peak_kb)
expect "new columns present" test -n "$cb" -a -n "$cp" -a -n "$co" -a -n "$cg"
expect "ok rows: base_rss_kb <= peak_rss_kb" test -z "$(awk -F, -v b="$cb" -v p="$cp" 'NR>1 && $6=="ok" && !($b > 0 && $b <= $p)' out/runs.csv)"
expect "ok rows: oversubscribed 0 or 1" test -z "$(awk -F, -v o="$co" 'NR>1 && $6=="ok" && $o!="0" && $o!="1"' out/runs.csv)"
if "$JSONCHECK" out/meta.json cgroup.status >/dev/null 2>&1 && grep -q '"status":[[:space:]]*"ok"' <(tr -d '\n' < out/meta.json | grep -o '"cgroup":[^}]*'); then
  expect "in a cgroup: ok rows have cgroup_peak_kb" test -z "$(awk -F, -v c="$cg" 'NR>1 && $6=="ok" && !($c > 0)' out/runs.csv)"
  jstr() { tr -d '\n' < out/meta.json | grep -o "\"$1\":[[:space:]]*\"[^\"]*\"" | head -1 | sed 's/.*"\([^"]*\)"$/\1/'; }
  parent=$(jstr parent) prefix=$(jstr prefix)
  expect "cgroup prefix in meta.json" test -n "$prefix" -a -d "$parent"
  expect "no cgroup left behind" test -z "$(ls -d "$parent/$prefix"* 2>/dev/null)"
fi
# A cgroup that cannot be made: empty column, the reason in meta.json
MMB_CGROUP_PARENT=/nonexistent/mmbench "$MMBENCH" run -w malloc-free -a glibc -t 1 -r 1 -p n=2000 -o nocg >nocg.log 2>&1
expect "run without a cgroup exits 0" test $? -eq 0
expect "no cgroup: one note says so" test "$(grep -c 'no memory cgroup of their own (cannot make the memory cgroup /nonexistent/mmbench' nocg.log)" -eq 1
cg=$(col nocg/runs.csv cgroup_peak_kb)
expect "no cgroup: column empty, never 0" test -z "$(awk -F, -v c="$cg" 'NR>1 && $c!=""' nocg/runs.csv)"
expect "no cgroup: meta.json says why" grep -q '"reason":[[:space:]]*"cannot make the memory cgroup /nonexistent/mmbench' nocg/meta.json
finish
