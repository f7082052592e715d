#!/usr/bin/env bash
# train, embed, summary and a run with a model, end to end; and the bad input of the
# autoencoder commands: one line naming the problem, exit 2, nothing half-written.
. "$(dirname "$0")/lib.sh"
E=experiments/fashion-dense-ae-32.ini
# a small training set keeps this quick under the sanitizers
"$AECLUST" export --dataset fashion-mnist --split test --x "$T/X.npy" --y "$T/y.npy" >/dev/null
"$AECLUST" kmeans --input "$T/X.npy" --k 1 --n-init 1 --max-iter 1 --out "$T/dummy.npy" >/dev/null  # warms the page cache

# summary: the seed tables' parameter counts
out=$("$AECLUST" summary experiments/fashion-dense-ae-49.ini)
printf '%s' "$out" | grep -q 'Total params (encoder + decoder): 813,377' && ok "summary: seed 002's 813,377 parameters" \
  || not_ok "summary: seed 002's 813,377 parameters" "$out"
out=$("$AECLUST" summary experiments/fashion-dense-ae-64.ini)
printf '%s' "$out" | grep -q '50,240' && printf '%s' "$out" | grep -q '50,960' && ok "summary: seed 000's 784-64 counts" \
  || not_ok "summary: seed 000's 784-64 counts" "$out"
out=$("$AECLUST" summary $E --set "model.encoder=dense 1500 relu, dense 1000 relu, dense 500 relu, dense 10" \
      --set "model.decoder=dense 500 relu, dense 1000 relu, dense 1500 relu, dense 784 sigmoid")
printf '%s' "$out" | grep -q '3,184,010' && printf '%s' "$out" | grep -q '3,184,784' \
  && ok "summary: seed 000's 784-1500-1000-500-10 counts" || not_ok "summary: seed 000's 784-1500-1000-500-10 counts" "$out"

# train -> embed -> kmeans -> metrics, each stage alone
expect_ok "train on a .npy" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/m.aenn" --history "$T/h.csv" --set train.epochs=2
[ "$(grep -c '' "$T/h.csv")" -eq 3 ] && head -n 1 "$T/h.csv" | grep -q '^epoch,train_loss,val_loss,seconds,samples_per_s' \
  && ok "history CSV has a header and one row per epoch" || not_ok "history CSV has a header and one row per epoch" "$(cat "$T/h.csv")"
l1=$(sed -n 2p "$T/h.csv" | cut -d, -f2); l2=$(sed -n 3p "$T/h.csv" | cut -d, -f2)
awk -v a="$l1" -v b="$l2" 'BEGIN { exit !(b < a && b < 0.05) }' && ok "loss falls over two epochs ($l1 -> $l2)" \
  || not_ok "loss falls over two epochs" "$l1 -> $l2"
expect_ok "embed a .npy" -- "$AECLUST" embed --model "$T/m.aenn" --input "$T/X.npy" --out "$T/Z.npy"
expect_ok "embed a data set split" -- "$AECLUST" embed --model "$T/m.aenn" --dataset fashion-mnist --split test --out "$T/Z2.npy"
cmp -s "$T/Z.npy" "$T/Z2.npy" && ok "both embeddings agree" || not_ok "both embeddings agree"
size=$(stat -c %s "$T/Z.npy"); [ "$size" -eq $((10000 * 32 * 4 + 128)) ] && ok "codes are 10000 x 32" || not_ok "codes are 10000 x 32" "size $size"
expect_ok "k-means on the codes" -- "$AECLUST" kmeans --input "$T/Z.npy" --k 10 --n-init 2 --out "$T/p.npy"
json=$("$AECLUST" metrics --true "$T/y.npy" --pred "$T/p.npy" --json)
acc=$(printf '%s' "$json" | grep -oE '"acc": ?[0-9.]+' | grep -oE '[0-9.]+$')
awk -v a="$acc" 'BEGIN { exit !(a > 0.35) }' && ok "codes cluster well above chance (ACC $acc)" || not_ok "codes cluster above chance" "$json"
out=$("$AECLUST" summary --model "$T/m.aenn"); printf '%s' "$out" | grep -q 'Total params' && ok "summary of a model file" || not_ok "summary of a model file"
expect_ok "same seed, same model" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/m2.aenn" --set train.epochs=2
cmp -s "$T/m.aenn" "$T/m2.aenn" && ok "training is reproducible" || not_ok "training is reproducible"

# run with a model writes the model, history and codes
expect_ok "run with a model" -- "$AECLUST" run $E --out "$T/run" --set train.epochs=1 --set data.train=test --set cluster.n_init=1 --quiet
for f in model.aenn history.csv codes_fit.npy metrics.json; do [ -s "$T/run/$f" ] || missing="${missing:-} $f"; done
[ -z "${missing:-}" ] && ok "run folder has model, history and codes" || not_ok "run folder has model, history and codes" "missing$missing"
grep -q '"space": "code"' "$T/run/metrics.json" && grep -q '"training"' "$T/run/metrics.json" \
  && ok "metrics.json records the code space and the training" || not_ok "metrics.json records the code space and the training"

# --- bad input ------------------------------------------------------------------------------
expect_error "zero width" 'encoder.*(zero|width|0)' "$T/bad1.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad1.aenn" --set "model.encoder=dense 0 relu"
expect_error "unknown activation" "rellu" "$T/bad2.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad2.aenn" --set "model.encoder=dense 128 rellu, dense 32"
expect_error "empty encoder" "^aeclust: --set: \[model\] needs both an encoder and a decoder" "$T/bad3.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad3.aenn" --set "model.encoder="
expect_error "decoder width differs from the input" "784" "$T/bad4.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad4.aenn" --set "model.decoder=dense 64 relu, dense 780 sigmoid"
expect_error "unknown layer kind" "dens" "$T/bad5.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad5.aenn" --set "model.encoder=dens 128 relu"
expect_error "learning rate 0" "train\.lr" "$T/bad6.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad6.aenn" --set train.lr=0
expect_error "negative learning rate" "train\.lr" "$T/bad7.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad7.aenn" --set train.lr=-0.1
expect_error "batch size 0" "batch_size" "$T/bad8.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad8.aenn" --set train.batch_size=0
expect_error "batch larger than the data" "batch_size.*larger" "$T/bad9.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad9.aenn" --set train.batch_size=20000
expect_error "unknown loss" "train\.loss" "$T/bad10.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/bad10.aenn" --set train.loss=hinge
# a model file from another architecture (input width 64) given 784-wide rows
npy_raw "$T/small.npy" '<f4' '(300, 64)' 'pack("f<*", map { ($_ % 7) / 7 } 1..19200)'
expect_ok "train a 64-wide model" -- "$AECLUST" train $E --input "$T/small.npy" --model "$T/m64.aenn" --set train.epochs=1 \
  --set "model.decoder=dense 64 relu, dense 64 sigmoid"
expect_error "embed with a wrong input width" 'X\.npy.*784.*64' "$T/Zbad.npy" -- "$AECLUST" embed --model "$T/m64.aenn" --input "$T/X.npy" --out "$T/Zbad.npy"
# corrupt and truncated model files
cp "$T/m.aenn" "$T/corrupt.aenn"; printf '\x55\xaa\x55\xaa' | dd of="$T/corrupt.aenn" bs=1 seek=3000 conv=notrunc status=none
expect_error "corrupt model file" 'corrupt\.aenn' "$T/Zc.npy" -- "$AECLUST" embed --model "$T/corrupt.aenn" --input "$T/X.npy" --out "$T/Zc.npy"
head -c 2000 "$T/m.aenn" > "$T/trunc.aenn"
expect_error "truncated model file" 'trunc\.aenn' "$T/Zt.npy" -- "$AECLUST" embed --model "$T/trunc.aenn" --input "$T/X.npy" --out "$T/Zt.npy"
printf 'not a model at all' > "$T/junk.aenn"
expect_error "not a model file" 'junk\.aenn' "$T/Zj.npy" -- "$AECLUST" embed --model "$T/junk.aenn" --input "$T/X.npy" --out "$T/Zj.npy"
# divergence: plain SGD with a huge step and a linear output blows up in the first epoch
err=$("$AECLUST" train $E --input "$T/X.npy" --model "$T/div.aenn" --set train.optimizer=sgd --set train.lr=50 \
      --set "model.decoder=dense 64 relu, dense 128 relu, dense 784 linear" --set train.epochs=3 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && printf '%s' "$err" | tail -n 1 | grep -qE 'diverged at epoch 1, batch [0-9]+ \(loss = (nan|inf)' && [ ! -e "$T/div.aenn" ] \
  && ok "divergence stops training with epoch and batch" || not_ok "divergence stops training with epoch and batch" "rc $rc: $err"
expect_error "run: code space without a model" 'space.*model' "$T/r1" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/r1" --set cluster.space=code
# several outputs: an unwritable --history is refused before any training
expect_error "train: unwritable --history" 'nodir' "$T/mh.aenn" -- "$AECLUST" train $E --input "$T/X.npy" --model "$T/mh.aenn" --history "$T/nodir/h.csv" --set train.epochs=1
# a setting that cannot fit the data fails before training
expect_error "run: k larger than the fit set, before training" 'cluster\.k = 50 is larger' "$T/r2" -- "$AECLUST" run $E --out "$T/r2" --set data.fit_limit=20 --set cluster.k=50 --quiet
# a denoising run: noisy input, clean target, and the error report
C=experiments/fashion-conv-dae.ini
expect_ok "conv denoising run" -- "$AECLUST" run $C --out "$T/dae" --set train.epochs=1 --set data.train=test --set cluster.n_init=1 --quiet
nm=$(grep -oE '"noisy_mse": ?[0-9.e-]+' "$T/dae/metrics.json" | grep -oE '[0-9.e-]+$')
dm=$(grep -oE '"denoised_mse": ?[0-9.e-]+' "$T/dae/metrics.json" | grep -oE '[0-9.e-]+$')
awk -v a="$nm" -v b="$dm" 'BEGIN { exit !(a > 0.02 && a < 0.03 && b < 0.8 * a) }' \
  && ok "denoising lowers the error to the clean images ($nm -> $dm)" || not_ok "denoising lowers the error" "$nm -> $dm"
size=$(stat -c %s "$T/dae/codes_fit.npy"); [ "$size" -eq $((10000 * 392 * 4 + 128)) ] && ok "conv codes are 7x7x8 = 392 wide" \
  || not_ok "conv codes are 7x7x8 = 392 wide" "size $size"
expect_ok "fresh noise every epoch" -- "$AECLUST" run $C --out "$T/dae2" --set train.epochs=2 --set data.train=test --set noise.fresh=yes \
  --set noise.kind=salt_pepper --set noise.amount=0.3 --set cluster.n_init=1 --quiet
expect_error "noise fraction above 1" 'noise\.amount.*1\.5' "$T/dae3" -- "$AECLUST" run $C --out "$T/dae3" --set noise.kind=random_shades --set noise.amount=1.5
expect_error "noise without a model" '\[noise\] needs a \[model\]' "$T/dae4" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/dae4" --set noise.kind=gaussian
expect_error "unknown noise kind" "noise\.kind.*'gauss'" "$T/dae5" -- "$AECLUST" run $C --out "$T/dae5" --set noise.kind=gauss
# augmentation: shifted and mirrored images every epoch change what the model sees
expect_ok "run with augmentation" -- "$AECLUST" run $E --out "$T/aug" --set train.epochs=2 --set data.train=test --set cluster.n_init=1 \
  --set augment.max_shift=2 --set augment.hflip=yes --quiet
expect_ok "the same run without" -- "$AECLUST" run $E --out "$T/noaug" --set train.epochs=2 --set data.train=test --set cluster.n_init=1 --quiet
a=$(sed -n 3p "$T/aug/history.csv" | cut -d, -f2); b=$(sed -n 3p "$T/noaug/history.csv" | cut -d, -f2)
[ -n "$a" ] && [ "$a" != "$b" ] && ok "augmentation changes training ($b -> $a)" || not_ok "augmentation changes training" "$a vs $b"
expect_ok "train with augmentation and fresh noise" -- "$AECLUST" train $C --input "$T/X.npy" --model "$T/aug.aenn" --set train.epochs=1 \
  --set augment.max_shift=1 --set noise.fresh=yes
npy_raw "$T/wide50.npy" '<f4' '(300, 50)' 'pack("f<*", map { ($_ % 5) / 5 } 1..15000)'
expect_error "augmentation of non-square rows" 'augment.*square.*50' "$T/aug2.aenn" -- "$AECLUST" train $E --input "$T/wide50.npy" --model "$T/aug2.aenn" \
  --set augment.hflip=yes --set "model.decoder=dense 64 relu, dense 50 sigmoid"
expect_error "negative shift" 'augment\.max_shift' "$T/aug3" -- "$AECLUST" run $E --out "$T/aug3" --set augment.max_shift=-1
# image layers: shapes that cannot work
expect_error "kernel larger than the input" 'kernel 5 is larger than the 3x3 input|larger than' "$T/k.aenn" -- "$AECLUST" train $C --input "$T/X.npy" --model "$T/k.aenn" \
  --set "model.encoder=input 1 28 28, conv2d 4 3 s2 valid relu, conv2d 4 3 s2 valid relu, conv2d 4 3 s2 valid relu, conv2d 4 5 valid relu"
expect_error "stride 0" 'stride' "$T/s.aenn" -- "$AECLUST" train $C --input "$T/X.npy" --model "$T/s.aenn" --set "model.encoder=input 1 28 28, conv2d 16 3 s0 same relu"
expect_error "reshape sizes disagree" 'reshape' "$T/r.aenn" -- "$AECLUST" train $C --input "$T/X.npy" --model "$T/r.aenn" --set "model.decoder=reshape 1 7 7, conv2d 1 3 same sigmoid"
finish
