#!/usr/bin/env bash
# A named preloaded malloc (scudo, tbbmalloc) end to end: its conformance
# table (every check passes, or exactly the failures its README row records),
# a cell run under it with the library serving malloc as the run recorded it
# (meta.json: library, Debian package, version), the same library mapped in
# a program run under it, and for scudo the abort that SCUDO_OPTIONS
# may_return_null=false turns the huge-request checks into.
# usage: preloads.sh MMBENCH FAULTDIR ALLOCATOR  (exit 77: not in this build)
source "$(dirname "$0")/lib.sh" "$1" "$2"
A=$3
line=$("$MMBENCH" list allocators | grep -E "^  $A +preload ")
[ -n "$line" ] || { echo "FAIL: $A is not a registered preloaded allocator" >&2; exit 1; }
if ! grep -qE "^  $A +preload +yes " <<<"$line"; then
  echo "$A not built: $("$MMBENCH" check-allocator "$A" 2>&1 | grep -o 'skipped.*' | head -1)"
  exit 77
fi
cd "$WORK"
# meta_field ALLOCATOR KEY: a string field of meta.json's allocators.ALLOCATOR
meta_field() {
  awk -v a="$1" -v k="$2" '$0 ~ "^[ \t]*\"" a "\":[ \t]*[{]" {f = 1}
    f && $0 ~ "\"" k "\":" {sub(".*\"" k "\":[ \t]*\"", ""); sub(/".*/, ""); print; exit}' out/meta.json
}

# 1. conformance: the table, check by check
"$MMBENCH" check-allocator "$A" >conf.txt 2>&1
rc=$?
expect "$A conforms (exit $rc: $(tail -2 conf.txt | tr '\n' ' '))" test "$rc" -eq 0
expect "$A verdict ok" grep -q 'verdict: ok' conf.txt
nchecks=$(grep -cE '^  [a-z_-]+ +(pass|FAIL|warn|n/a)' conf.txt)
expect "$A: 16 checks in the table ($nchecks)" test "$nchecks" -eq 16
# what each fails is recorded in the README's allocator table: nothing, here
notpass=$(grep -E '^  [a-z_-]+ +(FAIL|warn|n/a)' conf.txt | tr -s ' ' | paste -sd';' -)
expect "$A passes every check (not passed: '$notpass')" test -z "$notpass"

# 2. a cell under it: ok, and the library serving malloc is the one named
"$MMBENCH" run -q -w malloc-free -a "$A" -t 1,2 -r 1 --scale 0.01 --counters off --floor off \
  -o out >log 2>&1
rc=$?
expect "a malloc-free run under $A completes (exit $rc: $(tail -2 log))" test "$rc" -eq 0
st=$(cols out/runs.csv allocator status | awk -F'\t' -v a="$A" '$1 == a {print $2}' | sort -u)
expect "$A cells ok ($st)" test "$st" = ok
want=$(grep -E "^#define MMB_$(tr a-z A-Z <<<"$A")_LIB " "$(dirname "$MMBENCH")/mmb_config.h" |
  sed 's/.*"\(.*\)"/\1/')
lib=$(meta_field "$A" library)
expect "meta.json: $A's malloc is served by $want (probe saw '$lib')" test -n "$want" -a "$lib" = "$want"
if command -v dpkg-query >/dev/null; then
  pkg=$(meta_field "$A" package)
  pver=$(meta_field "$A" package_version)
  ver=$(meta_field "$A" version)
  owner=$(dpkg-query -S "$want" 2>/dev/null | sed 's/:.*//')
  expect "meta.json: $A's package is the library's ($pkg, dpkg says $owner)" \
    test -n "$pkg" -a "$pkg" = "$owner"
  expect "meta.json: $A's package version is dpkg's ($pver)" \
    test "$pver" = "$(dpkg-query -W -f='${Version}' "$owner" 2>/dev/null)"
  expect "meta.json: $A's version is its package's ($ver)" test "$ver" = "$pver"
  expect "check-allocator heads $A's table with its package ($(head -1 "$WORK/conf.txt"))" \
    test "$(head -1 "$WORK/conf.txt")" = "$A  package $pkg $pver"
fi

# 3. a program under it: the library is mapped in the program (injected = 1)
if "$MMBENCH" list programs | grep -qE "^  lua-trees .* yes "; then
  "$MMBENCH" run -q -w lua-trees -a "$A" -r 1 --preset quick --scale 0.02 -o prog >plog 2>&1
  row=$(cols prog/runs.csv allocator status injected reason | awk -F'\t' -v a="$A" '$1 == a')
  expect "lua-trees under $A ok, injected ($row)" \
    bash -c "grep -qP '^$A\tok\t1\t' <<<'$row'"
fi

# 4. scudo: with may_return_null=false a request it cannot serve aborts the
# process; the probe records that rather than a conformance verdict
if [ "$A" = scudo ]; then
  "$MMBENCH" check-allocator 'scudo[SCUDO_OPTIONS=may_return_null=false]' >abort.txt 2>&1
  rc=$?
  expect "scudo, may_return_null=false: not conforming (exit $rc)" test "$rc" -eq 1
  expect "scudo, may_return_null=false: the probe aborts on a deliberate overflow ($(tail -2 abort.txt))" \
    grep -qE 'verdict: invalid .*signal 6 .*Scudo ERROR' abort.txt
fi
finish
