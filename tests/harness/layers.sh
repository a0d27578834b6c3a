#!/usr/bin/env bash
# mmbench tests — the harness's folders are libraries with one-way arrows.
# Usage: layers.sh CC SRC_DIR LIB=INCLUDE_DIRS...  (each LIB's include
# directories as its compile sees them, '|'-separated, from CMake)
#   For every harness library and every folder of bench/, a one-line source
#   that includes a header of that folder compiles with the library's include
#   directories exactly when the design below has the arrow; so a link or an
#   include directory the design does not have fails this test, and so does a
#   missing one. The design (README, Layout):
#     stats (statistics) <- core
#     core      <- counters <- plan <- run <- cluster
#     host (machine facts) <- plan
#     core, trace <- report
#     run, report <- reproduce
#     trace (workloads only);  cli on top of all
set -u
CC=$1 SRC=$2
shift 2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
declare -A allowed=(
  [stats]="stats"
  [core]="core stats"
  [host]="host"
  [counters]="core counters stats"
  [plan]="core counters plan host stats"
  [run]="core counters plan run host stats"
  [report]="core report trace stats"
  [reproduce]="core counters plan run report reproduce trace host stats"
  [cluster]="core counters plan run cluster host stats"
  [trace]="trace"
  [cli]="core counters plan run report reproduce cluster trace cli host stats"
)
# one header of each folder that includes only its own folder's or lower ones
declare -A probe=(
  [stats]=stats.h [core]=status.h [host]=topology.h [counters]=counters.h [plan]=plan.h [run]=runner.h [report]=report.h
  [reproduce]=recipe.h [cluster]=merge.h [trace]=trace_info.h [cli]=options.h
)
fails=0 checks=0
for spec in "$@"; do
  lib=${spec%%=*}
  dirs=${spec#*=}
  flags=()
  IFS='|' read -ra ds <<<"$dirs"
  for d in "${ds[@]}"; do [ -n "$d" ] && flags+=("-I$d"); done
  for folder in "${!probe[@]}"; do
    printf '#include "%s"\nint mmb_layers_probe;\n' "${probe[$folder]}" >"$WORK/p.c"
    if "$CC" -std=gnu11 -fsyntax-only "${flags[@]}" "$WORK/p.c" 2>/dev/null; then got=yes; else got=no; fi
    want=no
    for a in ${allowed[$lib]}; do [ "$a" = "$folder" ] && want=yes; done
    checks=$((checks + 1))
    if [ "$got" != "$want" ]; then
      fails=$((fails + 1))
      echo "FAIL: $lib including $folder/${probe[$folder]}: compiles=$got, the design says $want" >&2
    fi
  done
done
echo "$((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
