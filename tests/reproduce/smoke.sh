#!/usr/bin/env bash
# mmbench tests — one shipped recipe at tiny scale through `mmbench
# reproduce`: it must run to the end (exit 0, 1 for a FAIL, 3 when a check got
# no verdict) and
# give every expectation of the recipe a verdict row whose reason is not a
# broken selector; its folder must hold results, the recipe copy, and a
# reproduce.html that links the recipe's report.
# usage: smoke.sh MMBENCH RECIPES_DIR NAME WORKDIR
set -u
mmbench="$1" recipes="$2" name="$3" work="$4"
out="$work/smoke-$name"
rm -rf "$out"
mkdir -p "$work"
"$mmbench" reproduce --recipes "$recipes" --scale 0.01 --reps 2 -o "$out" "$name" >"$out.stdout" 2>&1
rc=$?
fail() { echo "FAIL: $*" >&2; cat "$out.stdout" >&2; exit 1; }
[[ $rc -eq 0 || $rc -eq 1 || $rc -eq 3 ]] || fail "exit status $rc"
[[ -s "$out/verdicts.csv" ]] || fail "no verdicts.csv"
[[ -s "$out/reproduce.html" ]] || fail "no reproduce.html"
[[ -s "$out/recipes/$name.recipe" ]] || fail "no copy of the recipe"
file=$(grep -l "^name: *$name *\$" "$recipes"/*.recipe | head -1)
nexp=$(grep -c '^expect:' "$file")
rows=$(tail -n +2 "$out/verdicts.csv" | grep -c "^$name,")
[[ $rows -eq $nexp ]] || fail "$rows verdict rows for $nexp expectations"
bad=$(tail -n +2 "$out/verdicts.csv" | grep -v -E ',(PASS|FAIL|INCONCLUSIVE),(PASS|FAIL|INCONCLUSIVE),' | wc -l)
[[ $bad -eq 0 ]] || fail "$bad rows without a verdict"
if grep -q -E 'no cell of the results|more than one cell|mmbench run failed' "$out/verdicts.csv"; then
  fail "a selector or the run is broken"
fi
# the recipe ran unless a precondition stopped it
if ! grep -q 'precondition' "$out/verdicts.csv"; then
  [[ -n $(find "$out/$name" -name summary.csv) ]] || fail "no summary.csv under $out/$name"
  grep -q "href=\"$name/[^\"]*report.html\"" "$out/reproduce.html" || fail "reproduce.html does not link the report"
fi
grep -q -E "^$name +(PASS|FAIL|INCONCLUSIVE) " "$out.stdout" || fail "no verdict line on stdout"
echo "ok: $name:" $(grep -oE ',(PASS|FAIL|INCONCLUSIVE),(PASS|FAIL|INCONCLUSIVE),' "$out/verdicts.csv" | cut -d, -f2)
