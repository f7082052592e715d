#!/usr/bin/env bash
# The VAE and the seed 003/004 outputs end to end: a 2-D VAE run with snapshots, samples and
# the decoded latent grid; the noise sweep; and their bad input (one line, exit 2, no output).
. "$(dirname "$0")/lib.sh"
V=experiments/fashion-vae-2d.ini
# shape of a float32 .npy: "(rows, cols)" from its header
shape() { head -c 128 "$1" | grep -aoE "'shape': \([0-9]+, [0-9]+\)" | grep -oE '\([0-9]+, [0-9]+\)'; }

out=$("$AECLUST" summary $V)
printf '%s' "$out" | grep -qE 'gaussian.*\(None, 2\)' && printf '%s' "$out" | grep -q 'Total params (encoder + decoder): 807,700' \
  && ok "summary of the 2-D VAE (784-512-4 | 2-512-784: 807,700 parameters)" || not_ok "summary of the 2-D VAE" "$out"

expect_ok "2-D VAE run" -- "$AECLUST" run $V --out "$T/v" --set train.epochs=2 --set data.train=test --set train.snapshot_every=1 \
  --set cluster.n_init=1 --set decode.grid=5 --set decode.samples=7 --quiet
[ "$(shape "$T/v/codes_fit.npy")" = "(10000, 2)" ] && ok "test codes are 2-D" || not_ok "test codes are 2-D" "$(shape "$T/v/codes_fit.npy")"
[ "$(shape "$T/v/samples.npy")" = "(7, 784)" ] && ok "7 samples decoded" || not_ok "7 samples decoded" "$(shape "$T/v/samples.npy")"
[ "$(shape "$T/v/latent_grid.npy")" = "(25, 784)" ] && ok "5 x 5 latent grid decoded" || not_ok "5 x 5 latent grid" "$(shape "$T/v/latent_grid.npy")"
snaps=$(ls "$T/v/snapshots" | tr '\n' ' ')
[ "$snaps" = "codes_test_epoch_000.npy codes_test_epoch_001.npy codes_test_epoch_002.npy " ] \
  && ok "snapshots before training and after each epoch" || not_ok "snapshots before training and after each epoch" "$snaps"
cmp -s "$T/v/snapshots/codes_test_epoch_002.npy" "$T/v/codes_fit.npy" && ok "the last snapshot is the final codes" \
  || not_ok "the last snapshot is the final codes"
l1=$(sed -n 2p "$T/v/history.csv" | cut -d, -f2); l2=$(sed -n 3p "$T/v/history.csv" | cut -d, -f2)
awk -v a="$l1" -v b="$l2" 'BEGIN { exit !(b < a && a > 150 && a < 550) }' \
  && ok "VAE loss is per image (BCE summed + KL) and falls ($l1 -> $l2)" || not_ok "VAE loss per image falls" "$l1 -> $l2"
grep -q '"grid"' "$T/v/metrics.json" && grep -q '"samples": 7' "$T/v/metrics.json" && ok "metrics.json records the decoding" \
  || not_ok "metrics.json records the decoding"
expect_ok "same seed again" -- "$AECLUST" run $V --out "$T/v2" --set train.epochs=2 --set data.train=test --set train.snapshot_every=1 \
  --set cluster.n_init=1 --set decode.grid=5 --set decode.samples=7 --quiet
cmp -s "$T/v/samples.npy" "$T/v2/samples.npy" && cmp -s "$T/v/model.aenn" "$T/v2/model.aenn" \
  && ok "a VAE run is reproducible" || not_ok "a VAE run is reproducible"

# the plain 2-D AE decodes a grid over its codes' own range
expect_ok "2-D AE with a grid over the codes' range" -- "$AECLUST" run experiments/fashion-ae-2d.ini --out "$T/a" --set train.epochs=1 \
  --set data.train=test --set cluster.n_init=1 --set decode.grid=4 --set train.snapshot_every=0 --quiet
# the grid's x range is the codes' 1st..99th percentile, not the VAE's fixed [-3, 3]
xr=$(tr -d ' \n' < "$T/a/metrics.json" | grep -oE '"x":\[[^]]*\]' | grep -oE '[-0-9.e]+,[-0-9.e]+')
awk -v r="$xr" 'BEGIN { split(r, v, ","); exit !(v[1] < v[2] && (v[1] != -3 || v[2] != 3)) }' \
  && ok "grid range from the codes ($xr)" || not_ok "grid range from the codes" "$xr"

# the noise sweep (seed 003's table), two amounts
expect_ok "noise sweep" -- "$AECLUST" run experiments/mnist-dae-rates.ini --out "$T/s" --set train.epochs=1 \
  --set "noise.sweep=0.2, 0.6" --set noise.keep=3 --quiet
[ "$(shape "$T/s/rate-0.6/denoised.npy")" = "(3, 784)" ] && [ -f "$T/s/rate-0.2/model.aenn" ] && [ -f "$T/s/rate-0.2/noisy.npy" ] \
  && ok "one folder per amount with the kept images" || not_ok "one folder per amount" "$(ls -R "$T/s")"
mses=$(grep -oE '"(noisy|denoised)_mse": ?[0-9.e-]+' "$T/s/metrics.json" | grep -oE '[0-9.e-]+$' | tr '\n' ' ')
set -- $mses
awk -v n1="$1" -v d1="$2" -v n2="$3" -v d2="$4" 'BEGIN { exit !(d1 < n1 && d2 < n2 && n2 > n1 && d2 > d1) }' \
  && ok "denoising helps at each amount, more noise costs more ($mses)" || not_ok "sweep errors" "$mses"

# bad input
expect_error "VAE latent of size 0" 'encoder layer 2: gaussian latent size must be at least 1, got 0' "$T/b1" -- \
  "$AECLUST" run $V --out "$T/b1" --set "model.encoder=dense 512 relu, gaussian 0" --quiet
expect_error "VAE latent that does not match" 'gaussian 2 needs 4 inputs' "$T/b2" -- \
  "$AECLUST" run $V --out "$T/b2" --set "model.encoder=dense 512 relu, dense 3, gaussian 2" --quiet
expect_error "negative beta" 'train\.beta' "$T/b3" -- "$AECLUST" run $V --out "$T/b3" --set train.beta=-1
expect_error "grid of a 10-D code" 'decode\.grid needs a 2-D code' "$T/b4" -- "$AECLUST" run experiments/fashion-vae-10.ini --out "$T/b4" \
  --set train.epochs=1 --set data.train=test --set decode.grid=5 --quiet
expect_error "sweep amount outside [0,1]" 'noise\.sweep.*1\.5' "$T/b5" -- "$AECLUST" run experiments/mnist-dae-rates.ini --out "$T/b5" \
  --set "noise.sweep=0.2, 1.5"
expect_error "sweep amount not a number" "noise\.sweep: 'lots' is not a number" "$T/b6" -- "$AECLUST" run experiments/mnist-dae-rates.ini \
  --out "$T/b6" --set "noise.sweep=lots"
expect_error "sweep with a clusterer" 'cluster\.method = none' "$T/b7" -- "$AECLUST" run experiments/mnist-dae-rates.ini --out "$T/b7" \
  --set cluster.method=kmeans
finish
