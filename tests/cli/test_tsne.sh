#!/usr/bin/env bash
# aeclust tsne end to end on a small file, and every kind of bad input: one line naming the
# file, exit 2, and no output file.
. "$(dirname "$0")/lib.sh"

# 60 points in 3-d, three blobs 10 apart (blob i % 3, jitter from i)
vals=$(perl -e 'for $i (0..59) { $b = $i % 3; for $c (0..2) { printf "%.4f ", ($c == $b ? 10 : 0) + (($i * 7 + $c * 13) % 11) / 11 - 0.5 } }')
npy_f4 "$T/x.npy" 60 3 $vals

# --- the happy path ---------------------------------------------------------------------------
"$AECLUST" tsne --input "$T/x.npy" --out "$T/y.npy" --perplexity 5 --iterations 300 >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] && ok "tsne runs on 60 points" || not_ok "tsne runs on 60 points" "exit $rc" "$(cat "$T/err")"
grep -qE '^t-SNE: 60 points, perplexity 5, KL [0-9.]+ after 300 iterations' "$T/out" \
  && ok "tsne prints the final KL on stdout" || not_ok "tsne prints the final KL on stdout" "$(cat "$T/out")"
[ "$(grep -cE '^t-SNE iteration [0-9]+: KL [0-9.]+$' "$T/err")" -eq 6 ] \
  && ok "tsne prints progress every 50 iterations on stderr" || not_ok "tsne prints progress every 50 iterations on stderr" "$(cat "$T/err")"
head -c 80 "$T/y.npy" | grep -q "'shape': (60, 2)" && [ "$(stat -c %s "$T/y.npy")" -eq $((128 + 60 * 2 * 4)) ] \
  && ok "tsne writes a (60, 2) float32 .npy" || not_ok "tsne writes a (60, 2) float32 .npy" "$(head -c 80 "$T/y.npy")"
"$AECLUST" tsne --input "$T/x.npy" --out "$T/y2.npy" --perplexity 5 --iterations 300 --quiet >/dev/null 2>"$T/err2"
cmp -s "$T/y.npy" "$T/y2.npy" && [ ! -s "$T/err2" ] \
  && ok "tsne is reproducible, --quiet silences progress" || not_ok "tsne is reproducible, --quiet silences progress"
expect_ok "tsne with every option" -- "$AECLUST" tsne --input "$T/x.npy" --out "$T/y3.npy" --perplexity 4.5 \
  --iterations 260 --theta 0 --seed 7 --early-exaggeration 4 --learning-rate 20 --init random --quiet

# --- bad input ----------------------------------------------------------------------------------
expect_error "perplexity >= n/3" 'x\.npy: perplexity 20 is too large for 60 points \(it must be below n/3 = 20\.0\)' \
  "$T/o.npy" -- "$AECLUST" tsne --input "$T/x.npy" --out "$T/o.npy" --perplexity 20
npy_f4 "$T/nan.npy" 5 2  0 0  1 nan  2 2  3 3  4 4
expect_error "NaN input" 'nan\.npy.*NaN at row 1, column 1' "$T/o.npy" -- "$AECLUST" tsne --input "$T/nan.npy" --out "$T/o.npy" --perplexity 1
npy_f4 "$T/inf.npy" 5 2  0 0  1 1  2 2  inf 3  4 4
expect_error "Inf input" 'inf\.npy.*Inf at row 3, column 0' "$T/o.npy" -- "$AECLUST" tsne --input "$T/inf.npy" --out "$T/o.npy" --perplexity 1
npy_i4 "$T/labels.npy" 0 1 2 0 1 2 0 1 2 0 1 2
expect_error "1-D input" 'labels\.npy: a 1-D array of 12 values.*2-D \(n, d\) array' "$T/o.npy" -- "$AECLUST" tsne --input "$T/labels.npy" --out "$T/o.npy" --perplexity 1
npy_raw "$T/empty.npy" '<f4' '(0, 3)' '""'
expect_error "no rows" 'empty\.npy' "$T/o.npy" -- "$AECLUST" tsne --input "$T/empty.npy" --out "$T/o.npy"
npy_f4 "$T/three.npy" 3 2  0 0  1 1  2 2
expect_error "too few points" 'three\.npy: t-SNE needs at least 4 points, got 3' "$T/o.npy" -- "$AECLUST" tsne --input "$T/three.npy" --out "$T/o.npy" --perplexity 1
expect_error "perplexity below 1" '--perplexity: 0\.5 is out of range' "$T/o.npy" -- "$AECLUST" tsne --input "$T/x.npy" --out "$T/o.npy" --perplexity 0.5
expect_error "theta out of range" '--theta: 2 is out of range' "$T/o.npy" -- "$AECLUST" tsne --input "$T/x.npy" --out "$T/o.npy" --theta 2
expect_error "bad learning rate" "--learning-rate: 'fast' is not a finite number" "$T/o.npy" -- "$AECLUST" tsne --input "$T/x.npy" --out "$T/o.npy" --learning-rate fast
expect_error "bad init" "--init: 'spectral' is not pca or random" "$T/o.npy" -- "$AECLUST" tsne --input "$T/x.npy" --out "$T/o.npy" --init spectral
expect_error "missing input file" 'nothere\.npy' "$T/o.npy" -- "$AECLUST" tsne --input "$T/nothere.npy" --out "$T/o.npy"
expect_error "missing --out" 'missing option --out' - -- "$AECLUST" tsne --input "$T/x.npy"
expect_error "missing --input" 'missing option --input' "$T/o.npy" -- "$AECLUST" tsne --out "$T/o.npy"
expect_error "unwritable --out" 'nodir' - -- "$AECLUST" tsne --input "$T/x.npy" --out "$T/nodir/o.npy" --perplexity 5

finish
