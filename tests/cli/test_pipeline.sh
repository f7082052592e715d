#!/usr/bin/env bash
# The run's architecture, seen from outside: `aeclust train` and `aeclust run` take one training path
# (the same file and seed give byte-identical models), the clusterer table drives what cluster.method
# accepts, and the typed settings name where a bad value came from.
. "$(dirname "$0")/lib.sh"
E=experiments/fashion-dense-ae-32.ini
small=(--set data.train=test --set train.epochs=2 --set train.batch_size=500
       --set "model.encoder=dense 64 relu, dense 8" --set "model.decoder=dense 64 relu, dense 784 sigmoid"
       --set report.html=no --set report.figures=no --set embed.tsne=no --set data.fit=test --set data.fit_limit=2000)

# one training path: plain, then denoising with fresh noise, augmentation and a validation split
same_model() { # NAME SETTINGS...
  local name=$1; shift
  rm -rf "$T/run" "$T/m.aenn"
  if ! "$AECLUST" run $E --out "$T/run" "${small[@]}" "$@" >/dev/null 2>"$T/err"; then not_ok "$name" "run failed: $(cat "$T/err")"; return; fi
  if ! "$AECLUST" train $E --model "$T/m.aenn" "${small[@]}" "$@" >/dev/null 2>"$T/err"; then not_ok "$name" "train failed: $(cat "$T/err")"; return; fi
  cmp -s "$T/run/model.aenn" "$T/m.aenn" && ok "$name" || not_ok "$name" "model.aenn of run and train differ"
}
same_model "train and run write the same model"
same_model "the same denoising, augmented, validated model" --set noise.kind=gaussian --set noise.amount=0.3 \
  --set noise.fresh=yes --set augment.max_shift=2 --set augment.hflip=yes --set train.validation=train
same_model "the same model at another seed" --seed 7 --set noise.kind=salt_pepper --set noise.amount=0.1
# ... and a different seed gives a different one (the test above could not tell otherwise)
if "$AECLUST" train $E --model "$T/m1.aenn" "${small[@]}" --seed 1 >/dev/null 2>&1 &&
   "$AECLUST" train $E --model "$T/m2.aenn" "${small[@]}" --seed 2 >/dev/null 2>&1 && [ -s "$T/m1.aenn" ] && [ -s "$T/m2.aenn" ]; then
  cmp -s "$T/m1.aenn" "$T/m2.aenn" && not_ok "seeds 1 and 2 train different models" || ok "seeds 1 and 2 train different models"
else
  not_ok "seeds 1 and 2 train different models" "training failed"
fi

# the clusterer table: cluster.method takes its names and lists them when it does not know one
expect_error "unknown clusterer names the known ones" "cluster\.method=kmedoids: 'kmedoids' is not one of none\|kmeans\|gmm\|pca\+kmeans" - \
  -- "$AECLUST" run $E --out "$T/bad" --set cluster.method=kmedoids
# every clusterer of the table runs through the one loop and reports what it fitted
rm -rf "$T/run"
if "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/run" --set cluster.method=kmeans,gmm,pca+kmeans \
     --set data.fit=test --set data.fit_limit=1500 --set data.score=fit,test --set cluster.n_init=2 \
     --set cluster.pca_components=8 --set report.html=no --set report.figures=no >/dev/null 2>"$T/err"; then
  n=$(grep -c '"clusterer"' "$T/run/metrics.json")
  [ "$n" -eq 6 ] && ok "three clusterers scored on two splits" || not_ok "three clusterers scored on two splits" "$n records"
  for f in kmeans_pixels gmm_pixels pca-kmeans_pixels; do
    grep -q "\"$f\"" "$T/run/metrics.json" && ok "metrics.json fits has $f" || not_ok "metrics.json fits has $f"
  done
else
  not_ok "three clusterers scored on two splits" "$(cat "$T/err")"
fi

# a clusterer without predict (DBSCAN) scores the fit set alone, says so, and counts its noise
rm -rf "$T/db"
if "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/db" --set cluster.method=dbscan,kmeans \
     --set data.fit=test --set data.fit_limit=1000 --set data.score=fit,test --set cluster.n_init=1 \
     --set cluster.dbscan_eps=6 --set cluster.dbscan_min_samples=5 --set report.figures=no >/dev/null 2>"$T/err"; then
  n_db=$(grep -c '"clusterer": "dbscan"' "$T/db/metrics.json"); n_km=$(grep -c '"clusterer": "kmeans"' "$T/db/metrics.json")
  [ "$n_db" -eq 1 ] && [ "$n_km" -eq 2 ] && ok "dbscan scored on the fit set only, k-means on both" \
    || not_ok "dbscan scored on the fit set only, k-means on both" "dbscan $n_db, kmeans $n_km records"
  grep -q '"scores": "fit set only (no predict)"' "$T/db/metrics.json" && grep -q 'scored on the set it was fitted on only' "$T/db/report.html" \
    && ok "metrics.json and the report say dbscan has no predict" || not_ok "metrics.json and the report say dbscan has no predict"
  grep -q '"clustered": 0\.' "$T/db/metrics.json" && grep -q '"acc_clustered"' "$T/db/metrics.json" \
    && ok "a noisy assignment records its clustered fraction" || not_ok "a noisy assignment records its clustered fraction" "$(grep -A12 dbscan "$T/db/metrics.json" | head -20)"
else
  not_ok "dbscan scored on the fit set only, k-means on both" "$(cat "$T/err")"
fi
expect_error "hdbscan min_cluster_size larger than the fit set" "cluster\.hdbscan_min_cluster_size = 2000 is larger than the 1000 points" "$T/hd" \
  -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/hd" --set cluster.method=hdbscan --set data.fit=test \
     --set data.fit_limit=1000 --set cluster.hdbscan_min_cluster_size=2000 --quiet

# fine-tuning: DEC's assignment is scored beside the clusterers, its history is kept; k > n is refused first
rm -rf "$T/dec"
if "$AECLUST" run experiments/fashion-dec-ae-10.ini --out "$T/dec" "${small[@]}" --set finetune.method=dec \
     --set finetune.max_iter=60 --set finetune.update_interval=20 --set data.score=fit --set cluster.n_init=1 \
     --set finetune.n_init=2 >/dev/null 2>"$T/err"; then
  grep -q '"clusterer": "dec"' "$T/dec/metrics.json" && grep -q '"finetune": {' "$T/dec/metrics.json" && \
    [ "$(grep -c '' "$T/dec/finetune.csv")" -ge 4 ] && [ -s "$T/dec/model_pretrained.aenn" ] && ! cmp -s "$T/dec/model.aenn" "$T/dec/model_pretrained.aenn" \
    && ok "DEC fine-tunes the model, keeps the pretrained one and its history, and is scored" \
    || not_ok "DEC fine-tunes the model, keeps the pretrained one and its history, and is scored" "$(ls "$T/dec")"
else
  not_ok "DEC fine-tunes the model, keeps the pretrained one and its history, and is scored" "$(cat "$T/err")"
fi
expect_error "DEC with more clusters than training images" "finetune\.method = idec: cluster\.k = 20000 is larger than the 10000 training images" "$T/deck" \
  -- "$AECLUST" run experiments/fashion-dec-ae-10.ini --out "$T/deck" "${small[@]}" --set finetune.method=idec \
     --set data.fit=all --set data.fit_limit=0 --set cluster.k=20000 --quiet

# N2D's clustering stage: UMAP then a clusterer, new points embedded by UMAP's transform
rm -rf "$T/n2d"
if "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/n2d" --set cluster.method=umap+gmm,umap+kmeans \
     --set data.fit=test --set data.fit_limit=1500 --set data.score=fit,train --set cluster.n_init=1 --set cluster.umap_epochs=50 \
     --set embed.umap=yes --set embed.umap_limit=500 --set report.figures=no --set report.html=no >/dev/null 2>"$T/err"; then
  n=$(grep -c '"clusterer": "umap+' "$T/n2d/metrics.json")
  [ "$n" -eq 4 ] && [ -s "$T/n2d/umap_pixels.npy" ] && ok "umap+gmm and umap+kmeans score the fit set and the transformed train split" \
    || not_ok "umap+gmm and umap+kmeans score the fit set and the transformed train split" "$n records"
  acc=$(perl -0ne 'print $1 if /"clusterer": "umap\+gmm",.*?"split": "test-first-1500".*?"acc": ([0-9.]+)/s' "$T/n2d/metrics.json")
  awk -v a="$acc" 'BEGIN { exit !(a > 0.45) }' && ok "umap+gmm clusters the pixels (ACC $acc)" || not_ok "umap+gmm clusters the pixels" "ACC $acc"
else
  not_ok "umap+gmm and umap+kmeans score the fit set and the transformed train split" "$(cat "$T/err")"
fi
expect_error "umap_neighbors not below the fit set's size" "cluster\.umap_neighbors = 300 needs more than that many points \(test-first-200 has 200\)" "$T/un" \
  -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/un" --set cluster.method=umap+gmm --set data.fit=test \
     --set data.fit_limit=200 --set cluster.umap_neighbors=300 --quiet
expect_error "umap_neighbors below 2" "cluster\.umap_neighbors=1: 1 is out of range \[2," "$T/un1" \
  -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/un1" --set cluster.method=umap+gmm --set cluster.umap_neighbors=1
expect_error "umap min_dist above its spread of 1" "cluster\.umap_min_dist=1\.5: 1\.5 is out of range \[0, 1\]" "$T/um" \
  -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/um" --set cluster.method=umap+gmm --set cluster.umap_min_dist=1.5
expect_error "umap min_dist below 0" "embed\.umap_min_dist=-0\.1: -0\.1 is out of range" "$T/um2" \
  -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/um2" --set embed.umap=yes --set embed.umap_min_dist=-0.1

# model.load: a trained model is used as it is (epochs 0) or trained further
rm -rf "$T/ld" "$T/ld2"
if "$AECLUST" run $E --out "$T/ld" "${small[@]}" --set "model.encoder=" --set "model.decoder=" --set model.load="$T/m1.aenn" \
     --set train.epochs=0 --quiet >/dev/null 2>"$T/err"; then
  cmp -s "$T/ld/model.aenn" "$T/m1.aenn" && ok "model.load with 0 epochs keeps the model as it is" || not_ok "model.load with 0 epochs keeps the model as it is"
else
  not_ok "model.load with 0 epochs keeps the model as it is" "$(cat "$T/err")"
fi
"$AECLUST" run $E --out "$T/ld2" "${small[@]}" --set "model.encoder=" --set "model.decoder=" --set model.load="$T/m1.aenn" \
  --set train.epochs=1 --quiet >/dev/null 2>&1
[ -s "$T/ld2/model.aenn" ] && ! cmp -s "$T/ld2/model.aenn" "$T/m1.aenn" && ok "model.load with epochs trains further" \
  || not_ok "model.load with epochs trains further"
expect_error "model.load of a missing file" "model\.load: .*nothing\.aenn: cannot open" "$T/ld3" \
  -- "$AECLUST" run $E --out "$T/ld3" --set "model.encoder=" --set "model.decoder=" --set model.load="$T/nothing.aenn" --quiet
expect_error "model.load beside an encoder" "model\.load brings its own layers" "$T/ld4" -- "$AECLUST" run $E --out "$T/ld4" --set model.load="$T/m1.aenn"
expect_error "0 epochs without a model to load" "train\.epochs = 0 trains nothing" "$T/ld5" -- "$AECLUST" run $E --out "$T/ld5" --set train.epochs=0

# typed settings: a cross-key problem names the file and line it came from
printf '[experiment]\nseed = 1\n[cluster]\nmethod = none, kmeans\n' > "$T/bad.ini"
expect_error "method none with a clusterer names the line" "bad\.ini:4: cluster\.method = none cannot be listed" - \
  -- "$AECLUST" run "$T/bad.ini" --out "$T/bad"
expect_error "a batch larger than the training set" "train\.batch_size = 20000 is larger than the 10000 training images" - \
  -- "$AECLUST" train $E --model "$T/b.aenn" "${small[@]}" --set train.batch_size=20000 --quiet
expect_error "adam eps 0 is out of the schema's range" "train\.eps=0: 0 is out of range" - \
  -- "$AECLUST" train $E --model "$T/b.aenn" --set train.eps=0
# every experiment file reads: its keys and values pass the schema (summary reads the whole file;
# the files without a model stop only at that)
for f in experiments/*.ini; do
  if "$AECLUST" summary "$f" >/dev/null 2>"$T/err" ||
     { ! grep -q '^encoder *=' "$f" && grep -q 'needs both an encoder and a decoder' "$T/err"; }; then
    ok "$f reads"
  else
    not_ok "$f reads" "$(cat "$T/err")"
  fi
done
finish
