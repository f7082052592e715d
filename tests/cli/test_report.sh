#!/usr/bin/env bash
# aeclust report: a real small run's report.html, opened in headless Chromium: it renders, no
# image is broken (checked in the page by tests/cli/report_harness.html, and the check is shown
# to catch a broken one), nothing is fetched, and a screenshot is kept as a test artifact
# ($AECLUST_ARTIFACTS, default build/test-artifacts/report.png). Then the bad input: a folder
# without results, a corrupt metrics.json, no folder given.
. "$(dirname "$0")/lib.sh"
R="$T/run"
expect_ok "a small run" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$R" \
  --set data.fit_limit=1000 --set data.score=fit --quiet
# aeclust run writes the page too: the rebuild gives the same bytes (nothing in it depends on when or where)
if [ -f "$R/report.html" ]; then
  cp "$R/report.html" "$T/from_run.html"
  "$AECLUST" report "$R" >/dev/null && cmp -s "$T/from_run.html" "$R/report.html" \
    && ok "report rebuilds the page aeclust run wrote, byte for byte" || not_ok "report rebuilds the page aeclust run wrote, byte for byte"
fi

# one more figure, of a name the report does not know (a 16x12 RGB PNG)
mkdir -p "$R/figures"
extra='iVBORw0KGgoAAAANSUhEUgAAABAAAAAMCAIAAADkharWAAABVUlEQVR42g3LIQHFIBRAUSJMEACJXADEIrwICAIgkTcAgggvwgQBkEgCIBaBCP8ff4wxXAZnuA2PQQzRkA0YmkENr2EYluEzHIMxlsviLLflsYglWrIFS7Oo5bUMy7J8lmP/wXN5nOf2PB7xRE/24Gke9bye4Vmez3P8PwSugAvcgScggRjIAQItoIE3MAIr8AVO+AfhEpxwC48gQhSygNAEFV5hCEv4hCP/kLgSLnEnnoQkYiInSLSEJt7ESKzElzjpHwpXwRXuwlOQQizkAoVW0MJbGIVV+Aqn/EPlqrjKXXkqUomVXKHSKlp5K6OyKl/l1H9QLsUpt/IookQlKyhNUeVVhrKUTzn6D52r4zp35+lIJ3Zyh07raOftjM7qfJ3T/2FyTdzknjwTmcRJnjBpE528kzFZk29y5j9sro3b3JtnI5u4yRs2baObdzM2a/NtzuYHM20MkLF8hv4AAAAASUVORK5CYII='
printf '%s' "$extra" | base64 -d > "$R/figures/extra_figure.png"

out=$("$AECLUST" report "$R" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "$R/report.html" ] && [ -s "$R/report.html" ] \
  && ok "report writes RUN_DIR/report.html and prints its path" || not_ok "report writes RUN_DIR/report.html and prints its path" "rc $rc: $out"
H="$R/report.html"
grep -qF "data:image/png;base64,$extra\"" "$H" && ok "the extra figure is embedded byte for byte" \
  || not_ok "the extra figure is embedded byte for byte"

# (c) self-contained: no URL in a src or href attribute leaves the file, no script, no stylesheet link
ext=$(grep -oiE '(src|href)="[^"]*"' "$H" | grep -viE '^(src|href)="(data:|#)' | head -n 3)
[ -z "$ext" ] && ! grep -qiE '<script|<link|@import|url\(' "$H" && ok "the page references nothing outside itself" \
  || not_ok "the page references nothing outside itself" "$ext"

# --- in the browser ------------------------------------------------------------------------
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  if [ "${CI:-}" = "true" ]; then
    not_ok "chromium is installed" "scripts/setup.sh --tests installs it (make test does)"
  else
    echo "# skip: the browser checks need chromium (scripts/setup.sh --tests installs it)"
  fi
else
  # a fresh profile per run; no GPU, no sandbox (containers), no network needed
  browse() {
    timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
      --no-first-run --no-default-browser-check --user-data-dir="$T/profile" "$@" 2>>"$T/chromium.log"
  }
  # (a) it renders: the parsed page has the metrics table with this run's accuracy
  acc=$(grep -oE '"acc": ?[0-9.]+' "$R/metrics.json" | head -n 1 | grep -oE '[0-9.]+$')
  acc4=$(awk -v a="$acc" 'BEGIN { printf "%.4f", a }')
  dom=$(browse --dump-dom "file://$H")
  printf '%s' "$dom" | grep -q '<table class="data metrics">' && printf '%s' "$dom" | grep -q ">$acc4<" \
    && ok "Chromium renders the report (metrics table, ACC $acc4)" \
    || not_ok "Chromium renders the report (metrics table, ACC $acc4)" "$(printf '%s' "$dom" | head -c 300)" "$(tail -n 3 "$T/chromium.log")"

  # (b) no broken image, nothing fetched: the harness reads the page in a frame
  check() { # check PAGE -> the harness's result lines
    browse --allow-file-access-from-files --virtual-time-budget=10000 \
      --dump-dom "file://$PWD/tests/cli/report_harness.html?src=file://$1" \
      | sed -n '/<pre id="result">/,/<\/pre>/p' | sed -e 's/<[^>]*>//g'
  }
  res=$(check "$H")
  n_img=$(grep -c '<img ' "$H")
  printf '%s\n' "$res" | grep -qx 'done' && printf '%s\n' "$res" | grep -qx "images $n_img" \
    && printf '%s\n' "$res" | grep -qx 'broken 0' && [ "$n_img" -ge 1 ] \
    && ok "every image decodes in Chromium ($n_img images)" || not_ok "every image decodes in Chromium" "$(printf '%s' "$res" | tr '\n' ' ')"
  printf '%s\n' "$res" | grep -qx 'requests 0' && ok "the page fetches nothing" || not_ok "the page fetches nothing" "$(printf '%s' "$res" | tr '\n' ' ')"
  printf '%s\n' "$res" | grep -qE '^metrics_rows [1-9]' && ok "the harness sees the metrics rows" \
    || not_ok "the harness sees the metrics rows" "$(printf '%s' "$res" | tr '\n' ' ')"
  # the check itself: the same page with the extra figure's PNG signature spoilt must fail it
  # (a truncated PNG would not do: browsers draw what they can decode of one)
  sed "s|base64,$extra\"|base64,AAAA${extra:4}\"|" "$H" > "$T/broken.html"
  cmp -s "$H" "$T/broken.html" && not_ok "the broken copy differs from the page"
  res=$(check "$T/broken.html")
  printf '%s\n' "$res" | grep -qx 'broken 1' && printf '%s\n' "$res" | grep -qx 'broken_image extra_figure.png' \
    && ok "the image check catches a broken image" || not_ok "the image check catches a broken image" "$(printf '%s' "$res" | tr '\n' ' ')"

  # (d) a screenshot, kept as a test artifact
  art=${AECLUST_ARTIFACTS:-build/test-artifacts}
  mkdir -p "$art" && art=$(cd "$art" && pwd)
  rm -f "$art/report.png"
  browse --screenshot="$art/report.png" --window-size=1280,4000 "file://$H" >/dev/null
  [ -s "$art/report.png" ] && [ "$(head -c 4 "$art/report.png" | tail -c 3)" = "PNG" ] \
    && ok "screenshot saved: $art/report.png" || not_ok "screenshot saved: $art/report.png" "$(tail -n 3 "$T/chromium.log")"
  echo "# screenshot of the report: $art/report.png"
fi

# --- bad input -----------------------------------------------------------------------------
mkdir -p "$T/empty"; cp "$R/clusters.txt" "$T/empty/"
expect_error "report: a folder without results" "^aeclust: $T/empty: not a run folder \(no metrics\.json\)$" \
  "$T/empty/report.html" -- "$AECLUST" report "$T/empty"
mkdir -p "$T/corrupt"; head -c 100 "$R/metrics.json" > "$T/corrupt/metrics.json"
expect_error "report: a truncated metrics.json" "corrupt/metrics\.json: not valid JSON" "$T/corrupt/report.html" \
  -- "$AECLUST" report "$T/corrupt"
expect_error "report: a folder that does not exist" "nowhere" - -- "$AECLUST" report "$T/nowhere"
expect_error "report: no folder given" "report: give the run folder" - -- "$AECLUST" report
finish
