# mmbench tests — helpers shared by the report/compare test scripts (sourced).
# Usage in a test: source report_lib.sh; check COND-COMMAND... "message";
# finish.  SKIP (exit 77) is registered as CTest's SKIP_RETURN_CODE.
set -u
failures=0
checks=0

# check "what" command args...: runs the command, counts a failure if it fails.
check() {
  local what="$1"
  shift
  checks=$((checks + 1))
  if ! "$@" >/dev/null 2>&1; then
    failures=$((failures + 1))
    echo "CHECK failed: $what" >&2
  fi
}

fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "CHECK failed: $*" >&2
}

skip() {
  echo "SKIP: $*"
  exit 77
}

finish() {
  echo "$checks checks, $failures failed"
  [[ $failures -eq 0 ]]
}

# A fresh copy of a fixture folder in the work directory.
fixture() {
  local name="$1" dest="$2"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  cp -r "$FIXTURES/$name" "$dest"
}

# file_min PATH BYTES: the file exists and holds at least BYTES bytes.
file_min() {
  [[ -f "$1" ]] && [[ $(stat -c %s "$1") -ge $2 ]]
}

# is_png PATH: PNG signature and a non-trivial size.
is_png() {
  [[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] && file_min "$1" 3000
}

# Lines on stderr: one_line FILE.
one_line() {
  [[ $(wc -l <"$1") -eq 1 ]]
}

# near A B TOL: |A - B| <= TOL.
near() {
  awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}
