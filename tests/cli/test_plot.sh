#!/usr/bin/env bash
# aeclust plot KIND: every kind draws a PNG from .npy/CSV files; the same input
# gives the same bytes; each bad input (a file of the wrong shape, a missing
# file, labels that do not match the points, a malformed CSV) gives one line,
# exit 2, and no output file.
. "$(dirname "$0")/lib.sh"

is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }
check_png() { # NAME FILE
  if is_png "$2"; then ok "$1 writes a PNG"; else not_ok "$1 writes a PNG" "$2 missing or not a PNG"; fi
}

# --- fixtures ------------------------------------------------------------------------------
npy_f4 "$T/Y.npy" 6 2  0 0  1 0  0 1  5 5  6 5  5 6
npy_i4 "$T/L.npy" 0 0 0 1 1 1
npy_i4 "$T/P.npy" 1 1 0 0 0 0
npy_i4 "$T/L5.npy" 0 0 0 1 1
npy_f4 "$T/Y3.npy" 2 3  0 0 0  1 1 1
npy_f4 "$T/Ynan.npy" 2 2  0 0  nan 1
# six 2x2 images (4 columns, a square row length) and six 1x3 ones (3 columns)
npy_f4 "$T/X.npy" 6 4  0 0 0 0  1 1 1 1  .5 .5 .5 .5  .2 .2 .2 .2  .8 .8 .8 .8  1 0 0 1
npy_f4 "$T/R.npy" 6 4  .1 .1 .1 .1  .9 .9 .9 .9  .5 .5 .5 .5  .2 .2 .2 .2  .8 .8 .8 .8  1 0 0 1
npy_f4 "$T/X3.npy" 6 3  0 0 0  1 1 1  0 0 0  1 1 1  0 0 0  1 1 1
npy_f4 "$T/M.npy" 4 4  0 0 0 0  .3 .3 .3 .3  .6 .6 .6 .6  1 1 1 1
printf 'epoch,train_loss,val_loss,seconds,samples_per_s\n1,0.5,0.55,1,100\n2,0.4,0.45,1,100\n3,0.35,0.41,1,100\n' > "$T/h.csv"
printf 'epoch,train_loss,val_loss\n1,0.5,nan\n2,0.4,nan\n' > "$T/h_noval.csv"
printf 'k,inertia\n1,900\n2,500\n3,400\n4,350\n' > "$T/e.csv"

# --- every kind ----------------------------------------------------------------------------
expect_ok "plot loss" -- "$AECLUST" plot loss --history "$T/h.csv" --title "Loss" --out "$T/loss.png" && check_png "plot loss" "$T/loss.png"
expect_ok "plot loss without validation" -- "$AECLUST" plot loss --history "$T/h_noval.csv" --out "$T/loss2.png"
expect_ok "plot elbow" -- "$AECLUST" plot elbow --input "$T/e.csv" --out "$T/elbow.png" && check_png "plot elbow" "$T/elbow.png"
expect_ok "plot scatter" -- "$AECLUST" plot scatter --input "$T/Y.npy" --labels "$T/L.npy" --names fashion --out "$T/s.png" \
  && check_png "plot scatter" "$T/s.png"
expect_ok "plot scatter without labels" -- "$AECLUST" plot scatter --input "$T/Y.npy" --out "$T/s2.png"
expect_ok "plot strip" -- "$AECLUST" plot strip --input "$T/Y.npy" --input "$T/Y.npy" --labels "$T/L.npy" \
  --panel-title "epoch 1" --panel-title "epoch 2" --out "$T/strip.png" && check_png "plot strip" "$T/strip.png"
expect_ok "plot confusion" -- "$AECLUST" plot confusion --labels "$T/L.npy" --pred "$T/P.npy" --names fashion --out "$T/c.png" \
  && check_png "plot confusion" "$T/c.png"
expect_ok "plot clusters" -- "$AECLUST" plot clusters --images "$T/X.npy" --pred "$T/P.npy" --labels "$T/L.npy" --names fashion \
  --per-cluster 3 --out "$T/g.png" && check_png "plot clusters" "$T/g.png"
expect_ok "plot images" -- "$AECLUST" plot images --input "$T/X.npy" --columns 3 --captions --out "$T/i.png" && check_png "plot images" "$T/i.png"
expect_ok "plot images --shape" -- "$AECLUST" plot images --input "$T/X3.npy" --shape 1x3 --out "$T/i3.png"
expect_ok "plot manifold" -- "$AECLUST" plot manifold --input "$T/M.npy" --range -2,2 --out "$T/m.png" && check_png "plot manifold" "$T/m.png"
expect_ok "plot reconstructions" -- "$AECLUST" plot reconstructions --input "$T/X.npy" --recon "$T/R.npy" --count 4 --out "$T/r.png" \
  && check_png "plot reconstructions" "$T/r.png"
expect_ok "plot denoising, a file per rate" -- "$AECLUST" plot denoising --original "$T/X.npy" --noisy "$T/R.npy" --noisy "$T/X.npy" \
  --denoised "$T/X.npy" --denoised "$T/R.npy" --rates 0.2,0.5 --count 2 --out "$T/d.png" && check_png "plot denoising" "$T/d.png"
expect_ok "plot denoising, stacked files" -- "$AECLUST" plot denoising --original "$T/X.npy" --noisy "$T/R.npy" --denoised "$T/X.npy" \
  --rates 0.2,0.3,0.4 --count 2 --out "$T/d2.png"
"$AECLUST" plot scatter --input "$T/Y.npy" --labels "$T/L.npy" --out "$T/s_again.png" >/dev/null 2>&1
"$AECLUST" plot scatter --input "$T/Y.npy" --labels "$T/L.npy" --out "$T/s_once.png" >/dev/null 2>&1
cmp -s "$T/s_once.png" "$T/s_again.png" && ok "same input, same bytes" || not_ok "same input, same bytes"
"$AECLUST" plot --help | grep -q manifold && ok "plot --help lists the kinds" || not_ok "plot --help lists the kinds"
"$AECLUST" plot scatter --help | grep -q -- '--labels' && ok "plot scatter --help" || not_ok "plot scatter --help"

# --- bad input: one line, exit 2, no file --------------------------------------------------
o="$T/bad.png"
expect_error "scatter of a 3-column file" 'plot scatter: .*Y3.npy has 3 columns, a scatter needs 2' "$o" -- \
  "$AECLUST" plot scatter --input "$T/Y3.npy" --out "$o"
expect_error "strip panel of a 3-column file" 'Y3.npy has 3 columns, a scatter needs 2' "$o" -- \
  "$AECLUST" plot strip --input "$T/Y.npy" --input "$T/Y3.npy" --out "$o"
expect_error "scatter labels of another length" 'L5.npy has 5 labels but .*Y.npy has 6 points' "$o" -- \
  "$AECLUST" plot scatter --input "$T/Y.npy" --labels "$T/L5.npy" --out "$o"
expect_error "scatter of a missing file" 'nosuch.npy' "$o" -- "$AECLUST" plot scatter --input "$T/nosuch.npy" --out "$o"
expect_error "scatter with a NaN point" 'Ynan.npy' "$o" -- "$AECLUST" plot scatter --input "$T/Ynan.npy" --out "$o"
expect_error "scatter with unknown names" "--names: 'greek'" "$o" -- \
  "$AECLUST" plot scatter --input "$T/Y.npy" --names greek --out "$o"
expect_error "confusion of labels of other lengths" 'L5.npy has 5 labels but .*P.npy has 6' "$o" -- \
  "$AECLUST" plot confusion --labels "$T/L5.npy" --pred "$T/P.npy" --out "$o"
expect_error "confusion with a missing file" 'nosuch.npy' "$o" -- "$AECLUST" plot confusion --labels "$T/nosuch.npy" --pred "$T/P.npy" --out "$o"
expect_error "images of the wrong --shape" 'X.npy has 4 columns, 28x28 images need 784' "$o" -- \
  "$AECLUST" plot images --input "$T/X.npy" --shape 28x28 --out "$o"
expect_error "images not square without --shape" 'X3.npy has 3 columns, not a square image' "$o" -- \
  "$AECLUST" plot images --input "$T/X3.npy" --out "$o"
expect_error "images with a bad --shape" "--shape: '28by28'" "$o" -- "$AECLUST" plot images --input "$T/X.npy" --shape 28by28 --out "$o"
expect_error "clusters with fewer labels than images" 'L5.npy has 5 labels but .*X.npy has 6 images' "$o" -- \
  "$AECLUST" plot clusters --images "$T/X.npy" --pred "$T/L5.npy" --out "$o"
expect_error "reconstructions of another width" 'X3.npy has 3 columns, 2x2 images need 4' "$o" -- \
  "$AECLUST" plot reconstructions --input "$T/X.npy" --recon "$T/X3.npy" --shape 2x2 --out "$o"
expect_error "manifold of a non-square count" 'X.npy has 6 images, a manifold needs n\*n' "$o" -- \
  "$AECLUST" plot manifold --input "$T/X.npy" --out "$o"
expect_error "denoising files and rates disagree" '2 --noisy and 1 --denoised files for 2 rates' "$o" -- \
  "$AECLUST" plot denoising --original "$T/X.npy" --noisy "$T/R.npy" --noisy "$T/R.npy" --denoised "$T/X.npy" --rates 0.2,0.5 --out "$o"
expect_error "denoising stacked rows not a multiple of the rates" 'multiple of 4 rates' "$o" -- \
  "$AECLUST" plot denoising --original "$T/X.npy" --noisy "$T/R.npy" --denoised "$T/X.npy" --rates 0.1,0.2,0.3,0.4 --out "$o"
printf 'epoch,loss\n1,0.5\n' > "$T/h_bad.csv"
expect_error "loss CSV without train_loss" "h_bad.csv has no 'train_loss' column" "$o" -- "$AECLUST" plot loss --history "$T/h_bad.csv" --out "$o"
printf 'epoch,train_loss\n1,0.5\n2,abc\n' > "$T/h_nan.csv"
expect_error "loss CSV with a word for a number" "h_nan.csv line 3, column train_loss: 'abc' is not a number" "$o" -- \
  "$AECLUST" plot loss --history "$T/h_nan.csv" --out "$o"
printf 'epoch,train_loss\n' > "$T/h_empty.csv"
expect_error "loss CSV with no rows" 'h_empty.csv has a header but no rows' "$o" -- "$AECLUST" plot loss --history "$T/h_empty.csv" --out "$o"
expect_error "loss CSV missing" 'nosuch.csv: cannot open' "$o" -- "$AECLUST" plot loss --history "$T/nosuch.csv" --out "$o"
printf 'k,inertia\n1,5\n2.5,4\n' > "$T/e_bad.csv"
expect_error "elbow with a fractional k" 'k = 2.5 is not a whole number' "$o" -- "$AECLUST" plot elbow --input "$T/e_bad.csv" --out "$o"
printf 'k,inertia,extra\n1,5\n' > "$T/e_short.csv"
expect_error "elbow CSV with a short row" 'e_short.csv line 2 has 2 fields, the header has 3' "$o" -- \
  "$AECLUST" plot elbow --input "$T/e_short.csv" --out "$o"
expect_error "output folder missing" 'does not exist' - -- "$AECLUST" plot scatter --input "$T/Y.npy" --out "$T/nodir/s.png"
expect_error "no --out" 'missing option --out' - -- "$AECLUST" plot scatter --input "$T/Y.npy"
expect_error "unknown kind" "unknown plot kind 'pie'" - -- "$AECLUST" plot pie --out "$o"
# an existing figure survives a failed redraw
cp "$T/s.png" "$T/keep.png"
"$AECLUST" plot scatter --input "$T/Y3.npy" --out "$T/keep.png" 2>/dev/null
cmp -s "$T/s.png" "$T/keep.png" && ok "a failed plot leaves the old file" || not_ok "a failed plot leaves the old file"
finish
