#!/usr/bin/env bash
# aeclust run --seeds and aeclust sweep on a tiny experiment (k-means on 300 test images, one
# restart): the seed folders, summary.json against each seed's metrics.json and its own mean and
# sample sd (recomputed here in perl), the resume rule (a repeated command runs nothing, more
# seeds run only the new one, a changed setting runs again), the sweep's folders, tables, figures
# and its resume, both pages in headless Chromium (no broken image, nothing fetched), and every
# bad input: one line, exit 2, no folder made.
. "$(dirname "$0")/lib.sh"
X=experiments/fashion-kmeans-pixels.ini
S=(--set data.fit=test --set data.fit_limit=300 --set data.score=fit --set cluster.n_init=1 --set eval.geometry=none)
O="$T/seeds"

# stamp FILE: its inode and modification time (a run folder moved into place again changes both)
stamp() { stat -c '%i %y' "$1" 2>/dev/null; }

# --- run --seeds ----------------------------------------------------------------------------
out=$("$AECLUST" run "$X" --seeds 0-2 --out "$O" "${S[@]}" 2>"$T/log1"); rc=$?
missing=""
for f in seed-0/metrics.json seed-1/metrics.json seed-2/metrics.json seed-2/report.html seed-1/experiment.ini \
  summary.json summary.txt report.html figures/strip_acc.png figures/strip_nmi.png; do
  [ -s "$O/$f" ] || missing="$missing $f"
done
[ $rc -eq 0 ] && [ -z "$missing" ] && ok "run --seeds 0-2: three seed folders, summary.json, summary.txt, figures, page" \
  || not_ok "run --seeds 0-2: three seed folders, summary.json, summary.txt, figures, page" "rc $rc, missing:$missing" "$(tail -n 3 "$T/log1")"
grep -q '^seed = 1$' "$O/seed-1/experiment.ini" && ok "seed-1 ran with experiment.seed = 1" \
  || not_ok "seed-1 ran with experiment.seed = 1"
printf '%s\n' "$out" | grep -qE '^kmeans +pixels +test-first-300 +300 +3  [0-9.]+ ± [0-9.]+ \[[0-9.]+–[0-9.]+\]' \
  && ok "aeclust run prints ACC, NMI, ARI as mean ± sd [min–max]" || not_ok "aeclust run prints the summary table" "$out"
grep -q 'ddof 1' "$O/summary.txt" && grep -q '"sd_definition": ".*ddof 1' "$O/summary.json" \
  && ok "summary.txt and summary.json say the sd is the sample sd (ddof 1)" || not_ok "the files say ddof 1"

# summary.json: each seed's value is that seed's metrics.json's, and the statistics are right
check_summary() { # DIR -> "ok N" or the first mismatch
  perl -MJSON::PP -e '
    my $dir = shift; local $/;
    sub slurp { open(my $f, "<", $_[0]) or die "$_[0]: $!"; my $t = <$f>; decode_json($t) }
    my $s = slurp("$dir/summary.json"); my @seeds = @{$s->{seeds}}; my $n = 0;
    for my $row (@{$s->{results}}) {
      for my $m (sort keys %{$row->{metrics}}) {
        my $st = $row->{metrics}{$m}; my @v;
        for my $i (0 .. $#seeds) {
          my $r = slurp("$dir/seed-$seeds[$i]/metrics.json");
          my ($rec) = grep { $_->{clusterer} eq $row->{clusterer} && $_->{space} eq $row->{space}
                             && $_->{split} eq $row->{split} } @{$r->{results}};
          die "seed $seeds[$i] has no $row->{clusterer}/$m\n" unless $rec && defined $rec->{$m};
          die "seed $seeds[$i] $m: $st->{values}[$i] != $rec->{$m}\n" unless $st->{values}[$i] == $rec->{$m};
          push @v, $rec->{$m}; $n++;
        }
        my $k = @v; my $mean = 0; $mean += $_ / $k for @v;
        my $ss = 0; $ss += ($_ - $mean) ** 2 for @v; my $sd = $k > 1 ? sqrt($ss / ($k - 1)) : undef;
        my ($lo, $hi) = (sort { $a <=> $b } @v)[0, -1];
        die "$m: n $st->{n} != $k\n" unless $st->{n} == $k;
        die "$m: mean $st->{mean} != $mean\n" unless abs($st->{mean} - $mean) <= 1e-12;
        die "$m: sd $st->{sd} != $sd\n" unless defined $sd ? abs($st->{sd} - $sd) <= 1e-12 : !defined $st->{sd};
        die "$m: range\n" unless $st->{min} == $lo && $st->{max} == $hi;
      }
    }
    print "ok $n\n";' "$1" 2>&1
}
res=$(check_summary "$O")
case "$res" in "ok "[1-9]*) ok "summary.json: each seed's values from its metrics.json, n, mean, sample sd, min, max ($res)";;
  *) not_ok "summary.json matches the seeds' metrics.json" "$res";; esac

# the same command again: nothing runs
before=$(stamp "$O/seed-1/metrics.json")
out=$("$AECLUST" run "$X" --seeds 0-2 --out "$O" "${S[@]}" 2>"$T/log2"); rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^seed [0-2]: finished before, kept$' "$T/log2")" -eq 3 ] && ! grep -q 'k-means: k =' "$T/log2" \
  && [ "$(stamp "$O/seed-1/metrics.json")" = "$before" ] \
  && ok "the same command again keeps the three seeds (\"seed N: finished before, kept\"), runs nothing" \
  || not_ok "the same command again keeps every seed" "rc $rc" "$(head -n 4 "$T/log2")"
# one more seed: only it runs
"$AECLUST" run "$X" --seeds 0-3 --out "$O" "${S[@]}" >/dev/null 2>"$T/log3"
[ "$(grep -c 'finished before, kept$' "$T/log3")" -eq 3 ] && grep -q '^seed 3 (4 of 4)' "$T/log3" && [ -s "$O/seed-3/metrics.json" ] \
  && [ "$(stamp "$O/seed-1/metrics.json")" = "$before" ] && ok "--seeds 0-3 runs seed 3 alone" \
  || not_ok "--seeds 0-3 runs seed 3 alone" "$(grep -E '^seed' "$T/log3")"
# a changed setting: the seeds run again
"$AECLUST" run "$X" --seeds 0-1 --out "$O" "${S[@]}" --set cluster.n_init=2 >/dev/null 2>"$T/log4"
! grep -q 'kept' "$T/log4" && grep -q '^seed 1 (2 of 2)' "$T/log4" && grep -q '^n_init = 2$' "$O/seed-1/experiment.ini" \
  && [ "$(stamp "$O/seed-1/metrics.json")" != "$before" ] && ok "a changed setting runs the seeds again" \
  || not_ok "a changed setting runs the seeds again" "$(grep -E '^seed' "$T/log4")"
res=$(check_summary "$O")
case "$res" in "ok "*) grep -q '"seeds": \[$' "$O/summary.json" && [ "$(perl -MJSON::PP -0ne 'print scalar @{decode_json($_)->{seeds}}' "$O/summary.json")" = 2 ] \
  && ok "the summary is of the seeds asked for (0-1)" || not_ok "the summary is of the seeds asked for";;
  *) not_ok "summary after the rerun" "$res";; esac

# the page: aeclust report rebuilds it byte for byte; it links every seed's report
cp "$O/report.html" "$T/page.html"
"$AECLUST" report "$O" >/dev/null && cmp -s "$T/page.html" "$O/report.html" \
  && ok "aeclust report OUT rebuilds the summary page byte for byte" || not_ok "aeclust report OUT rebuilds the summary page"
grep -q '<a href="seed-0/report.html">seed 0</a>' "$O/report.html" && grep -q '<a href="seed-1/report.html">seed 1</a>' "$O/report.html" \
  && ok "the page links each seed's report" || not_ok "the page links each seed's report"
# the strip plot, again from summary.json alone, and deterministic
expect_ok "plot seeds --metric nmi" -- "$AECLUST" plot seeds --summary "$O/summary.json" --metric nmi --out "$T/nmi.png"
"$AECLUST" plot seeds --summary "$O" --metric acc --out "$T/acc.png" && cmp -s "$T/acc.png" "$O/figures/strip_acc.png" \
  && ok "plot seeds draws the run's strip plot byte for byte" || not_ok "plot seeds draws the run's strip plot byte for byte"
expect_error "plot seeds: a metric the summary lacks" "summary.json: no row has values of 'nope'\$" "$T/nope.png" \
  -- "$AECLUST" plot seeds --summary "$O" --metric nope --out "$T/nope.png"

# --- bad input of run --seeds: one line, exit 2, no folder -------------------------------------
N="$T/never"
expect_error "--seeds ''" "^aeclust: --seeds: empty seed list" "$N" -- "$AECLUST" run "$X" --seeds '' --out "$N"
expect_error "--seeds 1-" "--seeds: '1-' is not a seed or a range" "$N" -- "$AECLUST" run "$X" --seeds 1- --out "$N"
expect_error "--seeds 4-0" "--seeds: '4-0' is an empty range" "$N" -- "$AECLUST" run "$X" --seeds 4-0 --out "$N"
expect_error "--seeds 0,x" "--seeds: 'x' is not a seed" "$N" -- "$AECLUST" run "$X" --seeds 0,x --out "$N"
expect_error "--seeds 0,0" "seed 0 is listed twice" "$N" -- "$AECLUST" run "$X" --seeds 0,0 --out "$N"
expect_error "--seeds 0-1000" "more than 1000 seeds" "$N" -- "$AECLUST" run "$X" --seeds 0-1000 --out "$N"
expect_error "--seed with --seeds" "give --seed or --seeds, not both" "$N" -- "$AECLUST" run "$X" --seed 1 --seeds 0-1 --out "$N"
expect_error "--seeds with a bad --set" "--set cluster.k=x" "$N" -- "$AECLUST" run "$X" --seeds 0-1 --set cluster.k=x --out "$N"
expect_error "--seeds with settings that do not go together" "needs a \[model\]" "$N" \
  -- "$AECLUST" run "$X" --seeds 0-1 --set cluster.space=code --out "$N"
mkdir -p "$T/single" && echo '{"results": []}' > "$T/single/metrics.json"
expect_error "--seeds into a single run's folder" "single/?: holds a single run \(metrics.json\)" "$T/single/seed-0" \
  -- "$AECLUST" run "$X" --seeds 0-1 --out "$T/single"

# --- sweep ------------------------------------------------------------------------------------
W="$T/sweep"
out=$("$AECLUST" sweep "$X" --grid cluster.k=8,10 --grid 'cluster.method=kmeans;pca+kmeans' --out "$W" "${S[@]}" \
  2>"$T/slog1"); rc=$?
missing=""
for c in "k=8,method=kmeans" "k=8,method=pca+kmeans" "k=10,method=kmeans" "k=10,method=pca+kmeans"; do
  [ -s "$W/$c/metrics.json" ] && [ -s "$W/$c/report.html" ] || missing="$missing $c"
done
for f in sweep.json sweep.txt report.html figures/sweep_k_acc.png figures/sweep_k_nmi.png figures/sweep_method_acc.png \
  figures/sweep_method_nmi.png; do [ -s "$W/$f" ] || missing="$missing $f"; done
[ $rc -eq 0 ] && [ -z "$missing" ] && ok "sweep 2 x 2: a folder per combination named by its values, sweep.json, sweep.txt, 4 figures, page" \
  || not_ok "sweep 2 x 2: folders, tables, figures" "rc $rc, missing:$missing" "$(tail -n 3 "$T/slog1")"
[ "$(grep -cE '^(8|10) +(kmeans|pca\+kmeans) +(kmeans|pca\+kmeans) +pixels +test-first-300 +[0-9.]+ +[0-9.]+$' "$W/sweep.txt")" -eq 4 ] \
  && head -n 3 "$W/sweep.txt" | grep -qE '^k +method +clusterer' && ok "sweep.txt: one row per combination with ACC and NMI" \
  || not_ok "sweep.txt: one row per combination" "$(cat "$W/sweep.txt")"
res=$(perl -MJSON::PP -e '
  my $dir = shift; local $/;
  sub slurp { open(my $f, "<", $_[0]) or die "$_[0]: $!"; my $t = <$f>; decode_json($t) }
  my $s = slurp("$dir/sweep.json"); my $n = 0;
  for my $c (@{$s->{combinations}}) {
    my $m = slurp("$dir/$c->{folder}/metrics.json")->{results}[0];
    my $r = $c->{results}[0];
    die "$c->{folder}: acc $r->{metrics}{acc}{mean} != $m->{acc}\n" unless $r->{metrics}{acc}{mean} == $m->{acc};
    die "$c->{folder}: k\n" unless "k=$c->{values}{q(cluster.k)}," eq substr($c->{folder}, 0, length("k=$c->{values}{q(cluster.k)},"));
    $n++;
  }
  print "ok $n\n";' "$W" 2>&1)
[ "$res" = "ok 4" ] && ok "sweep.json: each combination's values and its run's metrics" || not_ok "sweep.json matches the runs" "$res"
before=$(stamp "$W/k=10,method=pca+kmeans/metrics.json")
out=$("$AECLUST" sweep "$X" --grid cluster.k=8,10 --grid 'cluster.method=kmeans;pca+kmeans' --out "$W" "${S[@]}" \
  2>"$T/slog2"); rc=$?
[ $rc -eq 0 ] && [ "$(grep -c ': finished before, kept$' "$T/slog2")" -eq 4 ] && ! grep -q 'k-means: k =' "$T/slog2" \
  && [ "$(stamp "$W/k=10,method=pca+kmeans/metrics.json")" = "$before" ] && printf '%s' "$out" | grep -q '(4 kept from before)' \
  && ok "the same sweep again keeps every combination, trains nothing" \
  || not_ok "the same sweep again keeps every combination" "rc $rc" "$(head -n 5 "$T/slog2")"

# a sweep over seeds: each combination holds seed folders and their summary
W2="$T/sweep-seeds"
"$AECLUST" sweep "$X" --grid cluster.k=8,10 --seeds 0-1 --out "$W2" "${S[@]}" --set report.html=no >/dev/null 2>"$T/slog3"; rc=$?
res=$(perl -MJSON::PP -e '
  my $dir = shift; local $/;
  sub slurp { open(my $f, "<", $_[0]) or die "$_[0]: $!"; my $t = <$f>; decode_json($t) }
  my $s = slurp("$dir/sweep.json");
  die "with_seeds\n" unless $s->{with_seeds} && @{$s->{seeds}} == 2;
  for my $c (@{$s->{combinations}}) {
    my $sum = slurp("$dir/$c->{folder}/summary.json")->{results}[0]{metrics}{nmi};
    my $r = $c->{results}[0]{metrics}{nmi};
    die "$c->{folder}: nmi\n" unless $r->{mean} == $sum->{mean} && $r->{sd} == $sum->{sd} && @{$r->{values}} == 2;
    -s "$dir/$c->{folder}/seed-$_/metrics.json" or die "$c->{folder}/seed-$_\n" for (0, 1);
  }
  print "ok\n";' "$W2" 2>&1)
[ $rc -eq 0 ] && [ "$res" = ok ] && [ -s "$W2/figures/sweep_k_acc.png" ] && [ ! -e "$W2/report.html" ] \
  && ok "sweep --seeds 0-1: seed-N/ folders and a summary per combination, mean and sd in sweep.json" \
  || not_ok "sweep --seeds 0-1" "rc $rc: $res" "$(tail -n 2 "$T/slog3")"

# --- both pages in the browser ------------------------------------------------------------------
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  if [ "${CI:-}" = "true" ]; then not_ok "chromium is installed" "scripts/setup.sh --tests installs it"
  else echo "# skip: the browser checks need chromium (scripts/setup.sh --tests installs it)"; fi
else
  check_page() { # NAME PAGE: the page renders in Chromium, every image decodes, nothing is fetched
    local res n_img
    res=$(timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
      --no-first-run --no-default-browser-check --user-data-dir="$T/profile" --allow-file-access-from-files \
      --virtual-time-budget=10000 --dump-dom "file://$PWD/tests/cli/report_harness.html?src=file://$2" 2>>"$T/chromium.log" \
      | sed -n '/<pre id="result">/,/<\/pre>/p' | sed -e 's/<[^>]*>//g')
    n_img=$(grep -c '<img ' "$2")
    printf '%s\n' "$res" | grep -qx 'done' && printf '%s\n' "$res" | grep -qx "images $n_img" && [ "$n_img" -ge 2 ] \
      && printf '%s\n' "$res" | grep -qx 'broken 0' && printf '%s\n' "$res" | grep -qx 'requests 0' \
      && printf '%s\n' "$res" | grep -qE '^metrics_rows [1-9]' \
      && ok "$1 opens in Chromium: $n_img images decode, nothing fetched" \
      || not_ok "$1 opens in Chromium" "$(printf '%s' "$res" | tr '\n' ' ')" "$(tail -n 2 "$T/chromium.log")"
  }
  check_page "the summary page" "$O/report.html"
  check_page "the sweep page" "$W/report.html"
fi
ext=$(cat "$O/report.html" "$W/report.html" | grep -oiE 'src="[^"]*"' | grep -viE '^src="data:' | head -n 3)
[ -z "$ext" ] && ! grep -qiE '<script|<link|@import|url\(' "$O/report.html" "$W/report.html" \
  && ok "both pages load nothing from outside (images are data: URIs)" || not_ok "both pages are self-contained" "$ext"

# --- bad input of sweep: one line, exit 2, no folder ----------------------------------------------
N="$T/no-sweep"
sweep_error() { # NAME PATTERN ARGS...
  local name=$1 pat=$2; shift 2
  expect_error "sweep: $name" "$pat" "$N" -- "$AECLUST" sweep "$X" --out "$N" "${S[@]}" "$@"
}
sweep_error "no --grid" "give at least one --grid"
sweep_error "an unknown key" "^aeclust: --grid train.nope=1,2: unknown key 'train.nope'$" --grid train.nope=1,2
sweep_error "an unknown section" "--grid nope.k=1: unknown section 'nope.k'" --grid cluster.k=8 --grid nope.k=1
sweep_error "a value that does not parse" "^aeclust: --grid cluster.k: 'x' is not an integer$" --grid cluster.k=8,x
sweep_error "a value out of range" "--grid train.lr: 0 is out of range" --grid train.lr=1e-3,0
sweep_error "a list item that is not allowed" "--grid cluster.method: 'nope' is not one of" --grid 'cluster.method=kmeans;nope'
sweep_error "an empty value list" "--grid cluster.k=: no values" --grid cluster.k=
sweep_error "an empty value" "--grid cluster.k=8,,10: an empty value" --grid cluster.k=8,,10
sweep_error "no '='" "--grid cluster.k: expected section.key=value" --grid cluster.k
sweep_error "a value given twice" "--grid cluster.tol: the value 0.001 is given twice" --grid cluster.tol=1e-3,0.001
sweep_error "a key given twice" "cluster.k is given twice" --grid cluster.k=8 --grid cluster.k=10
sweep_error "the seed in the grid" "give the seeds with --seeds" --grid experiment.seed=0,1
sweep_error "an empty seed range" "--seeds: '3-1' is an empty range" --grid cluster.k=8,10 --seeds 3-1
sweep_error "a malformed seed list" "--seeds: '0-' is not a seed" --grid cluster.k=8,10 --seeds 0-
sweep_error "an empty seed list" "--seeds: empty seed list" --grid cluster.k=8,10 --seeds ''
sweep_error "a combination whose settings do not go together" "^aeclust: sweep k=8,space=code: .*needs a \[model\]" \
  --grid cluster.k=8,10 --grid 'cluster.space=pixels;code'
expect_error "sweep: into a single run's folder" "single/?: holds a single run" "$T/single/k=8" \
  -- "$AECLUST" sweep "$X" --grid cluster.k=8,10 --out "$T/single" "${S[@]}"
# seeds asked where the combinations hold single runs: refused before anything runs
expect_error "sweep --seeds over a sweep without seeds" "sweep k=8,method=kmeans: .*holds a single run" \
  "$W/k=8,method=kmeans/seed-0" \
  -- "$AECLUST" sweep "$X" --grid cluster.k=8,10 --grid 'cluster.method=kmeans;pca+kmeans' --seeds 0 --out "$W" "${S[@]}"
[ "$(stamp "$W/k=10,method=pca+kmeans/metrics.json")" = "$before" ] && ok "the refused sweep left the folder as it was" \
  || not_ok "the refused sweep left the folder as it was"
finish
