#!/usr/bin/env bash
# mmbench tests — open report.html of the fixture run-a in headless
# Chromium: the overview section exists and is the first thing after the
# title, its heat maps are drawn, every figure loads (the page's own check
# sets data-broken on #imgcheck), the table filters work (rows shown for a
# filter given in the address equal the rows of the page that match), and a
# screenshot of the overview is kept; then with one figure deleted the page
# reports exactly that one. The same for compare.html of run-a vs run-b,
# with its own screenshot. Skipped (77) without Chromium or gnuplot.
# usage: report_chromium.sh MMBENCH FIXTURES WORKDIR [SCREENSHOT]
#   (the compare screenshot goes beside it: <name>-compare.png)
MMBENCH="$1" FIXTURES="$2" WORK="$3" SHOT="${4:-$3/report-screenshot.png}"
SHOT_CMP="${SHOT%.png}-compare.png"
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
    --window-size=1280,${WINDOW_HEIGHT:-1400} --virtual-time-budget=3000)
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

# The overview first: the first section after the title is #summary, with
# its two heat maps, the family table and the warnings box.
dom="$WORK/chromium/dom.html"
check "overview is the first section" test "$(grep -o '<section id="[a-z]*"' "$dom" | head -1)" = '<section id="summary"'
check "nothing but the title before it" test "$(awk '/<section id="summary"/ { exit } go { print } /<body/ { go = 1 }' "$dom" | grep -c '<h2\|<table\|<img\|<figure\|<p class="warn')" -eq 0
check "time heat map drawn" test "$(sed -n '/<svg id="heat-time"/,/<\/svg>/p' "$dom" | grep -c '<rect')" -ge 40
check "RSS heat map drawn" grep -q '<svg id="heat-rss"' "$dom"
check "family table" grep -q '<table id="families">' "$dom"
check "warnings box names the crash" grep -q 'churn-random tcmalloc: crash' "$dom"
check "full table collapsed" grep -q '<details id="table">' "$dom"
ms=$(grep -o '<section id="summary" data-ms="[0-9]*' "$dom" | grep -o '[0-9]*$')
load=$(grep -o 'data-load-ms="[0-9]*"' "$dom" | grep -o '[0-9]*')
echo "time to the end of the overview: ${ms:-?} ms; to the load event: ${load:-?} ms; page $(stat -c %s "$dir/report.html") bytes"
check "overview parsed before the figures finished loading" test "${ms:-99999999}" -le "${load:-0}"

# Filters: ?allocator=glibc&status=ok shows exactly the page's glibc ok rows;
# ?status=failed the crashed one; the filter bar is shown.
want=$(grep -c '<tr id="c[0-9]*" class="ok"[^>]*data-status="ok" data-workload="[^"]*" data-allocator="glibc"' "$dir/report.html")
browse "file://$dir/report.html?allocator=glibc&status=ok" "$WORK/chromium/dom-f1.html"
got=$(grep -o '<span id="shown" data-shown="[0-9]*"' "$WORK/chromium/dom-f1.html" | grep -o '[0-9]*')
check "filter allocator=glibc status=ok: $got rows shown, $want expected" test "${got:-x}" = "$want"
check "filter: more than zero rows" test "$want" -gt 0
check "filter: the other rows hidden" test "$(grep -c '<tr id="c[0-9]*"[^>]*hidden' "$WORK/chromium/dom-f1.html")" -eq $(($(grep -c '<tr id="c[0-9]*"' "$dir/report.html") - want))
check "filter: table opened" grep -q '<details id="table" open' "$WORK/chromium/dom-f1.html"
check "filter: bar shown" bash -c "! grep -q '<div id=\"filters\" hidden' '$WORK/chromium/dom-f1.html'"
browse "file://$dir/report.html?status=failed" "$WORK/chromium/dom-f2.html"
check "filter status=failed: 1 row" grep -q '<span id="shown" data-shown="1"' "$WORK/chromium/dom-f2.html"

# The check is real: remove one figure and the page says so.
rm "$dir/plots/time-larson.png"
browse "file://$dir/report.html" "$WORK/chromium/dom2.html"
tag=$(grep -o '<div id="imgcheck"[^>]*>' "$WORK/chromium/dom2.html")
check "a missing figure is reported" grep -q 'data-broken="1"' <<<"$tag"
check "and named on the page" grep -q 'This figure did not load: plots/time-larson.png' "$WORK/chromium/dom2.html"

# compare.html of run-a vs run-b: the overview first, its two curves, every
# figure loads, significant cells listed; a screenshot of it.
fixture run-b "$WORK/chromium/run-b"
fixture run-a "$WORK/chromium/run-a2"
cmp="$WORK/chromium/cmp"
rm -rf "$cmp"
"$MMBENCH" compare "$WORK/chromium/run-a2" "$WORK/chromium/run-b" -o "$cmp" >/dev/null 2>&1
check "compare exit 0" test $? -eq 0
rm -f "$SHOT_CMP"
browse "file://$cmp/compare.html" "$WORK/chromium/dom-cmp.html" "$SHOT_CMP"
check "compare: chromium ran" test $? -eq 0
dc="$WORK/chromium/dom-cmp.html"
check "compare: overview first" test "$(grep -o '<section id="[a-z]*"' "$dc" | head -1)" = '<section id="summary"'
check "compare: time curve with a point per cell" test "$(sed -n '/<svg id="curve-time"/,/<\/svg>/p' "$dc" | grep -c '<circle')" -ge 40
check "compare: larson glibc t=2 drawn at 2.000" grep -q 'larson glibc t=2: B/A 2.000' "$dc"
# The page says how a change is called and what each cell could have
# called (its sensitivity), so "not called" does not read as "no change".
check "compare: says how it calls, with the sensitivity" grep -q '<p class="note" id="method">B/A = ratio of the geometric means.*sensitivity' "$dc"
check "compare: two figures" test "$(grep -o '<img class="fig"[^>]*>' "$dc" | wc -l)" -eq 2
check "compare: both figures load" test "$(grep -o '<img class="fig"[^>]*data-loaded="yes"' "$dc" | wc -l)" -eq 2
check "compare: image check ran" grep -q '<div id="imgcheck"[^>]*data-broken="0"' "$dc"
check "compare: screenshot saved: $SHOT_CMP" is_png "$SHOT_CMP"
check "compare: screenshot not blank (> 40 kB)" file_min "$SHOT_CMP" 40000
finish
