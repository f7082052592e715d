#!/usr/bin/env bash
# aeclust gmm: a fit end to end, and its bad input (one line, exit 2, no output left).
. "$(dirname "$0")/lib.sh"
# two groups of 4 points in 2-D
npy_f4 "$T/X.npy" 8 2  0 0  0.2 0.1  0.1 0.3  0.3 0.2  5 5  5.2 5.1  5.1 5.3  5.3 5.2
expect_ok "gmm on two groups" -- "$AECLUST" gmm --input "$T/X.npy" --k 2 --out "$T/l.npy" --proba "$T/p.npy"
labels=$(od -An -v -t d4 -j 128 "$T/l.npy" | tr -s ' \n' ' ' | sed 's/^ //;s/ $//')
set -- $labels
[ $# -eq 8 ] && [ "$1" = "$2" ] && [ "$1" = "$4" ] && [ "$5" = "$8" ] && [ "$1" != "$5" ] \
  && ok "the two groups get two components ($labels)" || not_ok "the two groups get two components" "$labels"
sums=$(od -An -v -t f4 -j 128 "$T/p.npy" | tr -s ' \n' ' ' | awk '{ for (i = 1; i <= NF; i += 2) printf "%.4f ", $i + $(i+1) }')
[ "$sums" = "1.0000 1.0000 1.0000 1.0000 1.0000 1.0000 1.0000 1.0000 " ] && ok "probabilities sum to 1 per row" \
  || not_ok "probabilities sum to 1 per row" "$sums"
line=$("$AECLUST" gmm --input "$T/X.npy" --k 2 --covariance diag --out "$T/l2.npy")
printf '%s' "$line" | grep -qE 'GMM \(diag\): 8 points, k = 2, log-likelihood .* BIC .* AIC .* converged' \
  && ok "prints the log-likelihood, BIC and AIC" || not_ok "prints the log-likelihood, BIC and AIC" "$line"

npy_f4 "$T/dup.npy" 6 2  0 0  0 0  0 0  1 1  1 1  1 1
expect_error "singular covariance" 'dup\.npy: component [01]: covariance is not positive definite; try a larger reg_covar \(now 0\)' \
  "$T/o1.npy" -- "$AECLUST" gmm --input "$T/dup.npy" --k 2 --reg-covar 0 --out "$T/o1.npy"
# duplicates whose covariances come out as rounding noise, not exactly 0 (once a finite nonsense fit)
npy_f4 "$T/dup2.npy" 8 2  1 2  1 2  1 2  1 2  5 5  5 5  5 5  5 5
for c in full diag spherical; do
  expect_error "singular covariance, $c, rounding noise" \
    'dup2\.npy: component [01]: covariance is not positive definite; try a larger reg_covar \(now 0\)' \
    "$T/o1$c.npy" -- "$AECLUST" gmm --input "$T/dup2.npy" --k 2 --covariance $c --reg-covar 0 --out "$T/o1$c.npy"
done
expect_error "k larger than the points" 'k = 9 is larger than the 8 points' "$T/o2.npy" -- "$AECLUST" gmm --input "$T/X.npy" --k 9 --out "$T/o2.npy"
npy_f4 "$T/nan.npy" 3 2  0 0  nan 1  2 2
expect_error "NaN in the input" 'nan\.npy.*row 1' "$T/o3.npy" -- "$AECLUST" gmm --input "$T/nan.npy" --k 2 --out "$T/o3.npy"
expect_error "missing --out" "--out" - -- "$AECLUST" gmm --input "$T/X.npy" --k 2
expect_error "missing input file" 'nope\.npy' "$T/o4.npy" -- "$AECLUST" gmm --input "$T/nope.npy" --out "$T/o4.npy"
expect_error "unknown covariance" "covariance.*tied" "$T/o5.npy" -- "$AECLUST" gmm --input "$T/X.npy" --k 2 --covariance tied --out "$T/o5.npy"
npy_f4 "$T/m.npy" 2 3  0 0 0  1 1 1
expect_error "initial means of the wrong shape" 'initial means are 2 x 3, expected k x d = 2 x 2' "$T/o6.npy" -- \
  "$AECLUST" gmm --input "$T/X.npy" --k 2 --means "$T/m.npy" --out "$T/o6.npy"
expect_error "unwritable output" 'nodir' "$T/nodir/o.npy" -- "$AECLUST" gmm --input "$T/X.npy" --k 2 --out "$T/nodir/o.npy"
expect_error "proba not written on a failure" 'k = 9' "$T/p9.npy" -- "$AECLUST" gmm --input "$T/X.npy" --k 9 --out "$T/o9.npy" --proba "$T/p9.npy"
finish
