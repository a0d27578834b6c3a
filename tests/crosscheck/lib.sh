# Shared by the cross-check tests: a scratch folder removed at exit and
# expect DESCRIPTION COMMAND... (prints ok/FAIL, counts failures in $fails;
# `finish` exits non-zero when any failed).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
expect() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
finish() {
  echo "$fails failed"
  [ "$fails" -eq 0 ]
}
