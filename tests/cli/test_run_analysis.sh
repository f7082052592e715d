#!/usr/bin/env bash
# One run with every clusterer, the elbow, a t-SNE, the figures and the report; and the
# run-level bad input of these stages (one line, exit 2, no run folder left).
. "$(dirname "$0")/lib.sh"
P=experiments/fashion-kmeans-pixels.ini
small=(--set data.fit_limit=1500 --set data.score=fit --set cluster.n_init=2 --set eval.geometry=none --quiet)

expect_ok "a run with k-means, a GMM, PCA + k-means, the elbow and a t-SNE" -- "$AECLUST" run $P --out "$T/r" "${small[@]}" \
  --set "cluster.method=kmeans, gmm, pca+kmeans" --set cluster.covariance=diag --set cluster.pca_components=16 \
  --set elbow.k_max=4 --set elbow.n_init=1 --set embed.tsne=yes --set embed.tsne_limit=400 --set embed.perplexity=10
for c in '"clusterer": "kmeans"' '"clusterer": "gmm"' '"clusterer": "pca+kmeans"'; do
  grep -q "$c" "$T/r/metrics.json" && ok "metrics.json has $c" || not_ok "metrics.json has $c"
done
grep -q '"gmm_pixels"' "$T/r/metrics.json" && grep -q '"bic"' "$T/r/metrics.json" && grep -q '"pca-kmeans_pixels"' "$T/r/metrics.json" \
  && ok "metrics.json reports each fit (log-likelihood, BIC, explained variance)" || not_ok "metrics.json reports each fit"
[ "$(grep -c '' "$T/r/elbow.csv")" -eq 5 ] && head -n 1 "$T/r/elbow.csv" | grep -q '^k,inertia' \
  && ok "elbow.csv: k = 1..4" || not_ok "elbow.csv: k = 1..4" "$(cat "$T/r/elbow.csv")"
awk -F, 'NR > 2 && $2 > prev { bad = 1 } NR > 1 { prev = $2 } END { exit bad }' "$T/r/elbow.csv" \
  && ok "inertia does not grow with k" || not_ok "inertia does not grow with k" "$(cat "$T/r/elbow.csv")"
[ "$(head -c 128 "$T/r/tsne_pixels.npy" | grep -aoE "\(400, 2\)")" = "(400, 2)" ] && grep -q '"tsne_pixels"' "$T/r/metrics.json" \
  && ok "t-SNE of the first 400 points, with its KL" || not_ok "t-SNE of the first 400 points"
for f in elbow scatter_tsne_class_pixels scatter_tsne_gmm_pixels scatter_tsne_pca-kmeans_pixels confusion_gmm_pixels_fit \
         clusters_pca-kmeans_pixels_fit centroids_kmeans_pixels centroids_gmm_pixels centroids_pca-kmeans_pixels; do
  [ "$(head -c 8 "$T/r/figures/$f.png" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] && ok "figure $f.png" \
    || not_ok "figure $f.png" "$(ls "$T/r/figures")"
done
grep -q 'pca+kmeans' "$T/r/report.html" && grep -q 'data:image/png;base64' "$T/r/report.html" \
  && ok "report.html has every clusterer and embedded figures" || not_ok "report.html has every clusterer"
expect_ok "no figures and no report when asked" -- "$AECLUST" run $P --out "$T/r2" "${small[@]}" --set report.figures=no --set report.html=no
[ ! -e "$T/r2/figures" ] && [ ! -e "$T/r2/report.html" ] && ok "figures/ and report.html left out" || not_ok "figures/ and report.html left out"

expect_error "elbow with an empty k-range" "elbow's k-range is empty \(k_min 5 > k_max 3\)" "$T/b1" -- "$AECLUST" run $P --out "$T/b1" \
  "${small[@]}" --set elbow.k_min=5 --set elbow.k_max=3
expect_error "t-SNE perplexity too large for its points" 'perplexity 30 is too large for 60 points' "$T/b2" -- "$AECLUST" run $P \
  --out "$T/b2" "${small[@]}" --set embed.tsne=yes --set embed.tsne_limit=60
expect_error "more PCA components than dimensions" 'pca_components = 1000, but the pixels are only 784 wide' "$T/b3" -- \
  "$AECLUST" run $P --out "$T/b3" "${small[@]}" --set cluster.method=pca+kmeans --set cluster.pca_components=1000
expect_error "unknown clusterer" "cluster\.method.*optics" "$T/b4" -- "$AECLUST" run $P --out "$T/b4" "${small[@]}" --set cluster.method=optics
expect_error "unknown covariance type" "cluster\.covariance.*tied" "$T/b5" -- "$AECLUST" run $P --out "$T/b5" "${small[@]}" \
  --set cluster.method=gmm --set cluster.covariance=tied
expect_error "report of a folder without results" 'not a run folder \(no metrics.json\)' "$T/empty/report.html" -- \
  bash -c "mkdir -p '$T/empty' && '$AECLUST' report '$T/empty'"
finish
