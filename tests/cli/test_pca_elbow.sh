#!/usr/bin/env bash
# aeclust pca and aeclust elbow end to end on small files, and every kind of bad input: one
# line naming the problem, exit 2, and no output file.
. "$(dirname "$0")/lib.sh"

# --- pca ------------------------------------------------------------------------------------------
# five points on the line (1, -1, 3) + t (2, 1, -1), t = 0 1 3 4 7: one component carries everything
npy_f4 "$T/line.npy" 5 3  1 -1 3  3 0 2  7 2 0  9 3 -1  15 6 -4
out=$("$AECLUST" pca --input "$T/line.npy" --components 2 --out "$T/y.npy" 2>&1)
[ $? -eq 0 ] && printf '%s' "$out" | grep -qE '^PCA: 5 x 3 -> 2 components, explained variance ratio 1\.0000 \(first: 1\.0000 0\.0000\)$' \
  && ok "pca prints the explained variance ratio" || not_ok "pca prints the explained variance ratio" "$out"
head -c 80 "$T/y.npy" | grep -q "'shape': (5, 2)" && [ "$(stat -c %s "$T/y.npy")" -eq $((128 + 5 * 2 * 4)) ] \
  && ok "pca writes a (5, 2) float32 .npy" || not_ok "pca writes a (5, 2) float32 .npy" "$(head -c 80 "$T/y.npy")"
# the first coordinate is (t - 3) sqrt(6), positive for t = 7 (sklearn's sign convention)
perl -e 'open(my $f, "<:raw", $ARGV[0]) or die; local $/; my $b = <$f>; my @v = unpack("f<*", substr($b, 128));
  my @t = (0, 1, 3, 4, 7); for my $i (0..4) { exit 1 if abs($v[2 * $i] - ($t[$i] - 3) * sqrt(6)) > 1e-4 } exit 0' "$T/y.npy" \
  && ok "pca coordinates by hand" || not_ok "pca coordinates by hand"
npy_f4 "$T/more.npy" 2 3  5 1 2  -1 -2 4
out=$("$AECLUST" pca --input "$T/line.npy" --components 1 --whiten --out "$T/yw.npy" --apply-to "$T/more.npy" --out2 "$T/y2.npy" 2>&1)
[ $? -eq 0 ] && printf '%s' "$out" | grep -q '(whitened)' && head -c 80 "$T/y2.npy" | grep -q "'shape': (2, 1)" \
  && head -c 80 "$T/yw.npy" | grep -q "'shape': (5, 1)" \
  && ok "pca --whiten --apply-to writes both outputs" || not_ok "pca --whiten --apply-to writes both outputs" "$out"
"$AECLUST" pca --help | grep -q -- '--components N .*\[2\]' && ok "pca --help lists the defaults" || not_ok "pca --help lists the defaults"

# --- pca bad input -------------------------------------------------------------------------------
expect_error "pca without --input" 'input' "$T/o.npy" -- "$AECLUST" pca --out "$T/o.npy"
expect_error "pca without --out" 'out' - -- "$AECLUST" pca --input "$T/line.npy"
expect_error "pca --apply-to without --out2" '--apply-to and --out2 go together' "$T/o.npy" \
  -- "$AECLUST" pca --input "$T/line.npy" --out "$T/o.npy" --apply-to "$T/more.npy"
npy_f4 "$T/wide.npy" 2 4  1 2 3 4  5 6 7 8
expect_error "pca --apply-to of the wrong width" 'wide\.npy: PCA transform: x has 4 columns, the model was fitted on 3' \
  "$T/o.npy" -- "$AECLUST" pca --input "$T/line.npy" --out "$T/o.npy" --apply-to "$T/wide.npy" --out2 "$T/o2.npy"
[ ! -e "$T/o2.npy" ] && ok "pca wrong width leaves no second output" || not_ok "pca wrong width leaves no second output"
npy_f4 "$T/nan.npy" 3 2  0 0  1 nan  2 2
expect_error "pca NaN input" 'nan\.npy.*NaN at row 1, column 1' "$T/o.npy" -- "$AECLUST" pca --input "$T/nan.npy" --out "$T/o.npy"
expect_error "pca --components > d" 'line\.npy: PCA: n_components = 4 must be between 1 and min\(n, d\) = 3' \
  "$T/o.npy" -- "$AECLUST" pca --input "$T/line.npy" --components 4 --out "$T/o.npy"
expect_error "pca --components 0" 'components' "$T/o.npy" -- "$AECLUST" pca --input "$T/line.npy" --components 0 --out "$T/o.npy"
# a "folder" that is a file: unwritable even for root
expect_error "pca unwritable output" 'cannot write' "$T/line.npy/o.npy" \
  -- "$AECLUST" pca --input "$T/line.npy" --out "$T/line.npy/o.npy"
expect_error "pca missing input file" 'missing\.npy' "$T/o.npy" -- "$AECLUST" pca --input "$T/missing.npy" --out "$T/o.npy"

# --- elbow ----------------------------------------------------------------------------------------
# 0, 1, 10, 11 by hand: k = 1: 101, k = 2: 1, k = 3: 0.5, k = 4: 0
npy_f4 "$T/four.npy" 4 1  0 1 10 11
out=$("$AECLUST" elbow --input "$T/four.npy" --k-max 4 --out "$T/elbow.csv" 2>&1)
[ $? -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -cE '^k = +[0-9]+  inertia ')" -eq 4 ] \
  && printf '%s' "$out" | grep -qE '^k =  2  inertia 1$' && ok "elbow prints one line per k" || not_ok "elbow prints one line per k" "$out"
[ "$(cat "$T/elbow.csv")" = "$(printf 'k,inertia\n1,101\n2,1\n3,0.5\n4,0')" ] \
  && ok "elbow CSV by hand" || not_ok "elbow CSV by hand" "$(cat "$T/elbow.csv")"
expect_ok "elbow with every option" -- "$AECLUST" elbow --input "$T/four.npy" --k-min 2 --k-max 3 --n-init 2 \
  --max-iter 50 --tol 0 --seed 7 --out "$T/elbow2.csv"
[ "$(cat "$T/elbow2.csv")" = "$(printf 'k,inertia\n2,1\n3,0.5')" ] && ok "elbow k-range 2..3" || not_ok "elbow k-range 2..3" "$(cat "$T/elbow2.csv")"

# --- elbow bad input -----------------------------------------------------------------------------
expect_error "elbow empty k-range" 'empty k-range: --k-min 5 > --k-max 3' "$T/e.csv" \
  -- "$AECLUST" elbow --input "$T/four.npy" --k-min 5 --k-max 3 --out "$T/e.csv"
expect_error "elbow k-max > n" 'four\.npy: empty k-range: --k-max 5 > 4 points' "$T/e.csv" \
  -- "$AECLUST" elbow --input "$T/four.npy" --k-max 5 --out "$T/e.csv"
expect_error "elbow without --input" 'input' "$T/e.csv" -- "$AECLUST" elbow --out "$T/e.csv"
expect_error "elbow without --out" 'out' - -- "$AECLUST" elbow --input "$T/four.npy" --k-max 2
expect_error "elbow NaN input" 'nan\.npy.*NaN at row 1, column 1' "$T/e.csv" -- "$AECLUST" elbow --input "$T/nan.npy" --k-max 2 --out "$T/e.csv"
expect_error "elbow bad --n-init" 'n-init' "$T/e.csv" -- "$AECLUST" elbow --input "$T/four.npy" --k-max 2 --n-init 0 --out "$T/e.csv"
expect_error "elbow unwritable output" 'cannot write' "$T/four.npy/e.csv" \
  -- "$AECLUST" elbow --input "$T/four.npy" --k-max 2 --out "$T/four.npy/e.csv"
finish
