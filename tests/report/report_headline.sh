#!/usr/bin/env bash
# mmbench tests — the headline counts and the machine's noise of a real
# run: a combination that cannot exist (a graph workload under glibc, a
# malloc workload under the object-graph-only rc) is not a cell: `run -n`
# lists it as n/a with its reason, the run records no row for it, and the
# counts say planned / ok / failed / skipped for a reason; `--noise N` times
# the calibration loop in N processes before and after the matrix into
# meta.json, and summary.csv's noisy_limit is the chi-square limit from it.
# usage: report_headline.sh MMBENCH FIXTURES WORKDIR
MMBENCH="$1" WORK="$3"
source "$(dirname "$0")/report_lib.sh"
base="$WORK/headline"
rm -rf "$base"
mkdir -p "$base"
cd "$base" || exit 1

args=(-w cycles,malloc-free -a glibc,manual -t 1 -p size=64 --scale 0.01 -r 3 --floor off)
"$MMBENCH" run -n "${args[@]}" >dry.out 2>&1
check "dry run: the graph workload under glibc is n/a with its reason" \
  grep -Eq '^cycles .* glibc .* n/a: cycles needs the object-graph API' dry.out
check "dry run: counts planned cells apart from combinations that cannot exist" \
  grep -Eq '^[0-9]+ cells planned: [0-9]+ to run, [0-9]+ skipped for a reason; [1-9][0-9]* combinations that cannot exist' dry.out
planned=$(sed -n 's/^\([0-9]*\) cells planned.*/\1/p' dry.out)

"$MMBENCH" run "${args[@]}" --noise 4 -o out >run.out 2>run.err
check "run: exit 0 ($(tail -1 run.err))" test $? -eq 0
check "run: no row for a combination that cannot exist" bash -c "! grep -q '^cycles,[^,]*,glibc,' out/runs.csv"
check "run: headline counts $planned planned cells" \
  grep -Eq "^$planned cells: [0-9]+ ok \([0-9]+ noisy, [0-9]+ oversubscribed\), [0-9]+ failed, [0-9]+ skipped for a reason" run.out
check "run: the noisy rule names the machine's noise" grep -q "varies more than the machine's own noise (CV" run.out
check "meta.json: noise timed in 8 processes" grep -q '"processes":[[:space:]]*8' out/meta.json
cv=$(grep -A1 '"noise"' out/meta.json | sed -n 's/.*"cv":[[:space:]]*\([0-9.e-]*\).*/\1/p' | head -1)
check "meta.json: noise cv is a number ($cv)" test -n "$cv"
lim=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["metric"] == "ns_per_op" { print $c["noisy_limit"]; exit }' out/summary.csv)
check "summary.csv: a noisy_limit above the machine's CV ($lim > $cv)" awk -v l="$lim" -v c="$cv" 'BEGIN { exit !(l > c) }'
"$MMBENCH" report out >rep.out 2>/dev/null
check "report: headline counts planned cells" grep -q "out: $planned cells planned: " rep.out
finish
