#!/usr/bin/env bash
# Every workload at tiny scale under every available allocator, threads 1
# and 2: no cell crashes, errs or is corrupt (an allocator the conformance
# probe found broken is recorded nonconforming), and the same work gives the
# same checksum under
# every allocator.
source "$(dirname "$0")/lib.sh" "$@"
cd "$WORK"
"$MMBENCH" run -q --preset quick --scale 0.002 -r 1 -t 1,2 --timeout 60 -o out >log 2>&1
rc=$?
expect "run exits 0: $(tail -2 log)" test "$rc" -eq 0
bad=$(awk -F, 'NR>1 && $6!="ok" && $6!="skipped" && $6!="nonconforming" {print $1" "$3" t"$4": "$6" "$7}' out/runs.csv)
expect "no failed cell: $bad" test -z "$bad"
mismatch=$(awk -F, 'NR>1 && $6=="ok" {k=$1","$2","$4; if (k in s && s[k]!=$20) print k" "$3; s[k]=$20}' out/runs.csv)
expect "equal checksums per (workload, params, threads): $mismatch" test -z "$mismatch"
nw=$("$MMBENCH" list workloads | grep -c '^  [a-z]')
seen=$(awk -F, 'NR>1 && $6=="ok" {print $1}' out/runs.csv | sort -u | wc -l)
expect "every workload ran somewhere ($seen of $nw)" test "$seen" -eq "$nw"
finish
