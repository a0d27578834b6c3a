#!/usr/bin/env bash
# mmbench tests — `mmbench reproduce` end to end on the recipes of e2e/ (a
# claim that holds, a false one, one whose precondition no machine meets):
# verdicts PASS / FAIL / INCONCLUSIVE, exit status 1 with a FAIL, 3 with no
# FAIL but a check without verdict, 0 when every check passed; bad input (each malformed recipe of bad/, an unknown recipe name,
# a duplicate name, a non-empty --out, a bad option) exits 2 with one line.
# usage: e2e.sh MMBENCH TESTS_REPRODUCE_DIR WORKDIR
set -u
mmbench="$1" src="$2" work="$3/e2e"
rm -rf "$work"
mkdir -p "$work"
failures=0 checks=0
check() { checks=$((checks + 1)); if ! eval "$2"; then failures=$((failures + 1)); echo "CHECK failed: $1" >&2; fi; }

"$mmbench" reproduce --recipes "$src/e2e" -o "$work/all" >"$work/all.out" 2>&1
rc=$?
check "exit 1 when a claim fails (got $rc)" '[[ $rc -eq 1 ]]'
v="$work/all/verdicts.csv"
check "PASS row" 'grep -q "^e2e-pass,.*,PASS,PASS," "$v"'
check "FAIL row" 'grep -q "^e2e-fail,.*,FAIL,FAIL," "$v"'
check "INCONCLUSIVE row with the precondition" 'grep -q "^e2e-inconclusive,.*,INCONCLUSIVE,INCONCLUSIVE,.*precondition: require cpus>=4096" "$v"'
check "the precondition recipe did not run" '[[ ! -e "$work/all/e2e-inconclusive" ]]'
check "summary line" 'grep -q "1 PASS, 1 FAIL, 1 INCONCLUSIVE" "$work/all.out"'
check "figure of the PASS recipe in reproduce.html" 'grep -q "img src=\"e2e-pass/b2/plots/time-cycles.svg\"" "$work/all/reproduce.html" || ! command -v gnuplot >/dev/null'
check "report page of the PASS recipe (its last batch)" '[[ -s "$work/all/e2e-pass/b2/report.html" ]]'
check "two calibration batches of one round" '[[ -s "$work/all/e2e-pass/b1/runs.csv" && $(grep -c "^cycles," "$work/all/e2e-pass/b1/runs.csv") -eq 1 ]]'
check "rounds and batches in verdicts.csv" 'grep -q "^e2e-pass,.*,0,0,0,0.5,0,0,2,2,.*,PASS,PASS,," "$v"'
check "the published result beside ours in reproduce.html" 'grep -q "Published:" "$work/all/reproduce.html" && grep -q "2 rounds in 2 batches" "$work/all/reproduce.html"'
check "why INCONCLUSIVE: host" 'grep -q "^e2e-inconclusive,.*,INCONCLUSIVE,INCONCLUSIVE,host," "$v"'

"$mmbench" reproduce --recipes "$src/e2e" -o "$work/some" e2e-pass e2e-inconclusive >"$work/some.out" 2>&1
rc=$?
check "exit 3 without a FAIL but with a check without verdict (got $rc)" '[[ $rc -eq 3 ]]'
check "exit 3 is explained" 'grep -q "exit status 3: no claim failed, but 1 recipe got no verdict" "$work/some.out"'
check "only the named recipes" '! grep -q "^e2e-fail," "$work/some/verdicts.csv"'
check "the INCONCLUSIVE line carries its condition" 'grep -A1 "^e2e-inconclusive *INCONCLUSIVE" "$work/some.out" | grep -q "condition: precondition: require cpus>=4096"'

"$mmbench" reproduce --recipes "$src/e2e" -o "$work/pass" e2e-pass >"$work/pass.out" 2>&1
rc=$?
check "exit 0 when every check is decided and passes (got $rc)" '[[ $rc -eq 0 ]]'

"$mmbench" reproduce --recipes "$src/e2e" --list >"$work/list.out" 2>&1
rc=$?
check "--list exits 0" '[[ $rc -eq 0 ]] && grep -q "3 recipes" "$work/list.out"'

# bad input: exit 2, one line on stderr
bad2() { # what, then the command
  local what="$1"
  shift
  "$@" >"$work/bad.out" 2>"$work/bad.err"
  local rc=$?
  check "$what: exit 2 (got $rc)" '[[ $rc -eq 2 ]]'
  check "$what: one line on stderr" '[[ $(wc -l <"$work/bad.err") -eq 1 ]]'
}
n=0
for f in "$src"/bad/*.recipe; do
  d="$work/bad-$(basename "$f" .recipe)"
  mkdir -p "$d"
  cp "$f" "$d/"
  bad2 "$(basename "$f")" "$mmbench" reproduce --recipes "$d" --list
  line=$(head -1 "$f" | sed -n 's/^# expect-error: \([0-9]*\):.*/\1/p')
  check "$(basename "$f"): names file:$line" 'grep -q "$(basename "$f"):$line: " "$work/bad.err"'
  n=$((n + 1))
done
check "at least 10 malformed recipes ($n)" '[[ $n -ge 10 ]]'
bad2 "unknown recipe" "$mmbench" reproduce --recipes "$src/e2e" -o "$work/x" e2e-pas
check "unknown recipe: suggestion" 'grep -q "did you mean .e2e-pass." "$work/bad.err"'
mkdir -p "$work/dup"
cp "$src/e2e/pass.recipe" "$work/dup/a.recipe"
cp "$src/e2e/pass.recipe" "$work/dup/b.recipe"
bad2 "duplicate name" "$mmbench" reproduce --recipes "$work/dup" --list
bad2 "non-empty --out" "$mmbench" reproduce --recipes "$src/e2e" -o "$work/all" e2e-pass
bad2 "bad --scale" "$mmbench" reproduce --scale 0 --list
bad2 "unknown option" "$mmbench" reproduce --fast
bad2 "empty recipe folder" "$mmbench" reproduce --recipes "$work/x-empty-$$"

echo "$checks checks, $failures failed"
[[ $failures -eq 0 ]]
