# mmbench tests — shell helpers. Usage: source lib.sh MMBENCH FAULTDIR
set -u
MMBENCH=$(realpath "$1")
FAULTS=$(realpath "${2:-.}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fails=0
checks=0

pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*" >&2; }
expect() { # expect DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  if "$@"; then pass; else fail "$what"; fi
}
finish() {
  echo "$((checks - fails)) passed, $fails failed"
  [ "$fails" -eq 0 ]
}
# Named columns of a CSV's rows, tab-separated (quoted fields handled).
CSV_CUT=$(dirname "$MMBENCH")/tests/csv_cut
cols() { "$CSV_CUT" "$@"; }
