#!/usr/bin/env bash
# mmbench tests — open report.html of the fixture run-a in headless
# Chromium: every figure loads (the page's own check sets data-broken on
# #imgcheck), and a screenshot is saved; then with one figure deleted the
# page reports exactly that one. Skipped (77) without Chromium or gnuplot.
# usage: report_chromium.sh MMBENCH FIXTURES WORKDIR [SCREENSHOT]
MMBENCH="$1" FIXTURES="$2" WORK="$3" SHOT="${4:-$3/report-screenshot.png}"
source "$(dirname "$0")/report_lib.sh"

browser=""
for b in chromium chromium-browser google-chrome; do
  command -v "$b" >/dev/null && browser="$b" && break
done
[[ -n "$browser" ]] || skip "Chromium is not installed (Debian packages chromium, chromium-driver)"
command -v gnuplot >/dev/null || skip "gnuplot is not installed: the report has no figures to load"

dir="$WORK/chromium/run-a"
fixture run-a "$dir"
"$MMBENCH" report -q "$dir" >/dev/null 2>&1
check "report exit 0" test $? -eq 0
nimg=$(grep -c '<img class="fig"' "$dir/report.html")
check "report has figures ($nimg)" test "$nimg" -ge 20

# browse URL DOM [SCREENSHOT]: dump the DOM after load (and a screenshot).
browse() {
  local profile
  profile="$(mktemp -d "$WORK/chromium/profile.XXXXXX")"
  local args=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --disable-dev-shm-usage --user-data-dir="$profile" --hide-scrollbars
    --window-size=1280,2400 --virtual-time-budget=3000)
  [[ -n "${3:-}" ]] && args+=(--screenshot="$3")
  (cd "$WORK/chromium" && timeout 90 "$browser" "${args[@]}" --dump-dom "$1") >"$2" 2>"$2.log"
  local rc=$?
  rm -rf "$profile"
  return $rc
}

rm -f "$SHOT"
browse "file://$dir/report.html" "$WORK/chromium/dom.html" "$SHOT"
check "chromium ran" test $? -eq 0
tag=$(grep -o '<div id="imgcheck"[^>]*>' "$WORK/chromium/dom.html")
echo "imgcheck: $tag"
check "page check ran" grep -q 'data-done="1"' <<<"$tag"
check "all $nimg figures counted" grep -q "data-total=\"$nimg\"" <<<"$tag"
check "no figure failed to load" grep -q 'data-broken="0"' <<<"$tag"
check "every image marked loaded" test "$(grep -o 'data-loaded="yes"' "$WORK/chromium/dom.html" | wc -l)" -eq "$nimg"
check "screenshot saved: $SHOT" is_png "$SHOT"
check "screenshot is not blank (> 40 kB)" file_min "$SHOT" 40000

# The check is real: remove one figure and the page says so.
rm "$dir/plots/time-larson.svg"
browse "file://$dir/report.html" "$WORK/chromium/dom2.html"
tag=$(grep -o '<div id="imgcheck"[^>]*>' "$WORK/chromium/dom2.html")
check "a missing figure is reported" grep -q 'data-broken="1"' <<<"$tag"
check "and named on the page" grep -q 'This figure did not load: plots/time-larson.svg' "$WORK/chromium/dom2.html"
finish
