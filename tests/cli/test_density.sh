#!/usr/bin/env bash
# aeclust dbscan / hdbscan / plot kdistance, and metrics on labels with noise (-1):
# runs end to end, and bad input (one line naming the option or file, exit 2, no output left).
. "$(dirname "$0")/lib.sh"
# two groups of 6 points on a line, 0.5 apart, and one far point
npy_f4 "$T/X.npy" 13 2  0 0  0.5 0  1 0  1.5 0  2 0  2.5 0  10 0  10.5 0  11 0  11.5 0  12 0  12.5 0  30 0
labels_of() { od -An -v -t d4 -j 128 "$1" | tr -s ' \n' ' ' | sed 's/^ //;s/ $//'; }

expect_ok "dbscan on two groups" -- "$AECLUST" dbscan --input "$T/X.npy" --eps 0.5 --min-samples 3 --out "$T/l.npy" --kdistance "$T/kd.csv"
l=$(labels_of "$T/l.npy")
[ "$l" = "0 0 0 0 0 0 1 1 1 1 1 1 -1" ] && ok "dbscan labels: two clusters and one noise point" || not_ok "dbscan labels" "$l"
[ "$(wc -l < "$T/kd.csv")" -eq 14 ] && [ "$(head -1 "$T/kd.csv")" = "rank,kdistance" ] && [ "$(sed -n 2p "$T/kd.csv")" = "1,18" ] \
  && ok "k-distance CSV: header, one row per point, largest first" || not_ok "k-distance CSV" "$(head -3 "$T/kd.csv")"
line=$("$AECLUST" dbscan --input "$T/X.npy" --eps 0.5 --min-samples 3 --neighbours gemm --out "$T/l2.npy")
printf '%s' "$line" | grep -qE '^DBSCAN: 13 points, eps 0.5, min_samples 3: 2 clusters, 8 core points, noise 7.69% \(1 points\), [0-9.]+ s$' \
  && ok "dbscan prints clusters, noise and time" || not_ok "dbscan prints clusters, noise and time" "$line"
cmp -s "$T/l.npy" "$T/l2.npy" && ok "kd-tree and GEMM neighbourhoods give the same labels" || not_ok "kd-tree and GEMM labels differ"

expect_ok "hdbscan on two groups" -- "$AECLUST" hdbscan --input "$T/X.npy" --min-cluster-size 3 --min-samples 2 --out "$T/h.npy" --proba "$T/p.npy"
l=$(labels_of "$T/h.npy")
[ "$l" = "0 0 0 0 0 0 1 1 1 1 1 1 -1" ] && ok "hdbscan labels: two clusters and one noise point" || not_ok "hdbscan labels" "$l"
p=$(od -An -v -t f4 -j 128 "$T/p.npy" | tr -s ' \n' ' ' | sed 's/^ //;s/ $//')
[ "$(printf '%s' "$p" | wc -w)" -eq 13 ] && [ "${p##* }" = "0" ] && ok "hdbscan probabilities: 13 values, 0 for noise" \
  || not_ok "hdbscan probabilities" "$p"
line=$("$AECLUST" hdbscan --input "$T/X.npy" --min-cluster-size 3 --selection leaf --out "$T/h2.npy")
printf '%s' "$line" | grep -qE '^HDBSCAN \(leaf\): 13 points, min_cluster_size 3, min_samples 3: [0-9]+ clusters, noise [0-9.]+% \([0-9]+ points\), [0-9.]+ s$' \
  && ok "hdbscan prints clusters, noise and time" || not_ok "hdbscan prints clusters, noise and time" "$line"

npy_i4 "$T/y.npy" 0 0 0 0 0 0 1 1 1 1 1 1 1
out=$("$AECLUST" metrics --true "$T/y.npy" --pred "$T/l.npy")
printf '%s\n' "$out" | grep -qE '^clustered   0\.923077 \(12 points; 1 noise\)$' \
  && printf '%s\n' "$out" | grep -qE '^ACC         0\.923077 all points, noise counted as wrong$' \
  && printf '%s\n' "$out" | grep -qE '^ACC         1\.000000 clustered points only$' \
  && ok "metrics with noise: clustered fraction, ACC over all and clustered points" || not_ok "metrics with noise" "$out"
j=$("$AECLUST" metrics --true "$T/y.npy" --pred "$T/l.npy" --json --x "$T/X.npy")
printf '%s' "$j" | grep -q '"n_clustered":12,' && printf '%s' "$j" | grep -q '"ari_clustered":1.0' \
  && printf '%s' "$j" | grep -q '"silhouette_clustered"' && ok "metrics --json with noise" || not_ok "metrics --json with noise" "$j"

expect_ok "plot kdistance from the CSV" -- "$AECLUST" plot kdistance --input "$T/kd.csv" --k 3 --out "$T/kd.png"
[ "$(head -c 4 "$T/kd.png" | od -An -c | tr -d ' ')" = "211PNG" ] && ok "plot kdistance writes a PNG" || not_ok "plot kdistance writes a PNG"
npy_f4 "$T/kd.npy" 4 1  3 2 1 0.5
expect_ok "plot kdistance from an .npy" -- "$AECLUST" plot kdistance --input "$T/kd.npy" --out "$T/kd2.png"

# bad input
for e in 0 -1; do
  expect_error "dbscan --eps $e" "--eps: $e is not > 0" "$T/e$e.npy" -- "$AECLUST" dbscan --input "$T/X.npy" --eps "$e" --out "$T/e$e.npy"
done
expect_error "dbscan --eps not a number" "--eps" "$T/en.npy" -- "$AECLUST" dbscan --input "$T/X.npy" --eps abc --out "$T/en.npy"
expect_error "dbscan without --eps" "--eps" "$T/e0.npy" -- "$AECLUST" dbscan --input "$T/X.npy" --out "$T/e0.npy"
expect_error "dbscan --min-samples 0" "--min-samples: 0 is not at least 1" "$T/m0.npy" -- \
  "$AECLUST" dbscan --input "$T/X.npy" --eps 1 --min-samples 0 --out "$T/m0.npy"
expect_error "dbscan --neighbours" "--neighbours: 'grid'" "$T/g.npy" -- "$AECLUST" dbscan --input "$T/X.npy" --eps 1 --neighbours grid --out "$T/g.npy"
expect_error "dbscan --kdistance with min-samples > n" "min-samples 20 is larger than the 13 points" "$T/k.csv" -- \
  "$AECLUST" dbscan --input "$T/X.npy" --eps 1 --min-samples 20 --out "$T/k.npy" --kdistance "$T/k.csv"
[ ! -e "$T/k.npy" ] && ok "no labels written when the k-distance curve cannot be" || not_ok "labels written although --kdistance failed"
npy_f4 "$T/nan.npy" 3 2  0 0  nan 1  2 2
expect_error "dbscan NaN in the input" 'nan\.npy.*row 1' "$T/n1.npy" -- "$AECLUST" dbscan --input "$T/nan.npy" --eps 1 --out "$T/n1.npy"
expect_error "hdbscan NaN in the input" 'nan\.npy.*row 1' "$T/n2.npy" -- "$AECLUST" hdbscan --input "$T/nan.npy" --min-cluster-size 2 --out "$T/n2.npy"
expect_error "dbscan empty input" 'empty_0x3\.npy' "$T/n3.npy" -- "$AECLUST" dbscan --input tests/fixtures/npy/empty_0x3.npy --eps 1 --out "$T/n3.npy"
expect_error "dbscan missing input" 'nope\.npy' "$T/n4.npy" -- "$AECLUST" dbscan --input "$T/nope.npy" --eps 1 --out "$T/n4.npy"
expect_error "dbscan unwritable output" 'nodir' "$T/nodir/o.npy" -- "$AECLUST" dbscan --input "$T/X.npy" --eps 1 --out "$T/nodir/o.npy"
expect_error "hdbscan --min-cluster-size 1" "--min-cluster-size: 1 is not at least 2" "$T/c1.npy" -- \
  "$AECLUST" hdbscan --input "$T/X.npy" --min-cluster-size 1 --out "$T/c1.npy"
expect_error "hdbscan --min-cluster-size > n" "--min-cluster-size: 14 is larger than the 13 points" "$T/c2.npy" -- \
  "$AECLUST" hdbscan --input "$T/X.npy" --min-cluster-size 14 --out "$T/c2.npy"
expect_error "hdbscan --min-samples 0" "--min-samples: 0 is not at least 1" "$T/c3.npy" -- \
  "$AECLUST" hdbscan --input "$T/X.npy" --min-samples 0 --out "$T/c3.npy"
expect_error "hdbscan --min-samples > n" "--min-samples: 99 is larger than the 13 points" "$T/c4.npy" -- \
  "$AECLUST" hdbscan --input "$T/X.npy" --min-samples 99 --out "$T/c4.npy"
expect_error "hdbscan --selection" "--selection: unknown cluster selection 'tree' \(known: eom, leaf\)" "$T/c5.npy" -- \
  "$AECLUST" hdbscan --input "$T/X.npy" --selection tree --out "$T/c5.npy"
expect_error "hdbscan --epsilon negative" "--epsilon: -1 is negative" "$T/c6.npy" -- \
  "$AECLUST" hdbscan --input "$T/X.npy" --epsilon -1 --out "$T/c6.npy"
expect_error "hdbscan proba not written on a failure" "--min-cluster-size" "$T/p9.npy" -- \
  "$AECLUST" hdbscan --input "$T/X.npy" --min-cluster-size 14 --out "$T/o9.npy" --proba "$T/p9.npy"
npy_i4 "$T/bad.npy" 0 0 -2 0 0 0 1 1 1 1 1 1 -1
expect_error "metrics: a label below -1" 'bad\.npy.*label -2 at index 2' - -- "$AECLUST" metrics --true "$T/y.npy" --pred "$T/bad.npy"
npy_i4 "$T/short.npy" 0 -1 1
expect_error "metrics: noise labels of the wrong length" 'short\.npy has 3' - -- "$AECLUST" metrics --true "$T/y.npy" --pred "$T/short.npy"
expect_error "plot kdistance: a matrix" 'X\.npy is 13 x 2' "$T/kd3.png" -- "$AECLUST" plot kdistance --input "$T/X.npy" --out "$T/kd3.png"
printf 'rank,dist\n1,2\n' > "$T/nokd.csv"
expect_error "plot kdistance: no kdistance column" "no 'kdistance' column" "$T/kd4.png" -- "$AECLUST" plot kdistance --input "$T/nokd.csv" --out "$T/kd4.png"
finish
