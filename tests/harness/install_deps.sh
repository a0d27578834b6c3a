#!/usr/bin/env bash
# scripts/install-deps as a user who is not root (run as `nobody`, with a
# stand-in dpkg-query that reports chosen packages missing): only optional
# packages missing -> a note naming them and exit 0 (the build goes on
# without their parts); a required one missing -> the exact apt-get command
# and exit 1. Needs root to switch to nobody (skipped otherwise).
set -u
here=$(cd "$(dirname "$0")" && pwd)
script="$here/../../scripts/install-deps"
[[ $(id -u) -eq 0 ]] && command -v su >/dev/null || exit 77
fake=$(mktemp -d); trap 'rm -rf "$fake"' EXIT
chmod 755 "$fake"
# nobody may not reach the checkout (a private temporary folder, say): run a copy
cp "$script" "$fake/install-deps" && chmod 755 "$fake/install-deps"
script="$fake/install-deps"
missing_as() { # PACKAGES...: a dpkg-query that calls these not installed
  printf '#!/bin/sh\ncase " %s " in *" $3 "*) echo unknown ;; *) echo "install ok installed" ;; esac\n' "$*" >"$fake/dpkg-query"
  chmod 755 "$fake/dpkg-query"
}
run_as_nobody() { su nobody -s /bin/bash -c "PATH=$fake:\$PATH bash '$script' $*" 2>&1; }
fail=0
check() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi; }

missing_as libjemalloc-dev valgrind
out=$(run_as_nobody); rc=$?
check "optional missing: exit 0" '[[ $rc -eq 0 ]]'
check "optional missing: names them" '[[ $out == *"skipping optional packages libjemalloc-dev valgrind"* ]]'

# the allocators' packages are run dependencies (make bench), optional ones
missing_as libtbbmalloc2 libclang-rt-14-dev
out=$(run_as_nobody); rc=$?
check "allocator packages missing: exit 0" '[[ $rc -eq 0 ]]'
check "allocator packages missing: names them" '[[ $out == *"skipping optional packages libclang-rt-14-dev libtbbmalloc2"* ]]'

missing_as cmake valgrind
out=$(run_as_nobody); rc=$?
check "required missing: exit 1" '[[ $rc -eq 1 ]]'
check "required missing: the command" '[[ $out == *"sudo apt-get install -y cmake valgrind"* ]]'

missing_as nothing-at-all
out=$(run_as_nobody); rc=$?
check "nothing missing: silent, exit 0" '[[ $rc -eq 0 && -z $out ]]'
exit $fail
