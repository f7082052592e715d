#!/usr/bin/env bash
# aeclust umap end to end on a small file (fit, transform, reproducibility), and every kind of bad
# input: one line naming the option or file, exit 2, and no output file.
. "$(dirname "$0")/lib.sh"

# 90 points in 3-d, three blobs 10 apart (blob i % 3, jitter from i); 12 more for --transform
vals=$(perl -e 'for $i (0..89) { $b = $i % 3; for $c (0..2) { printf "%.4f ", ($c == $b ? 10 : 0) + (($i * 7919 + $c * 104729) % 1009) / 1009 - 0.5 } }')
npy_f4 "$T/x.npy" 90 3 $vals
vals2=$(perl -e 'for $i (0..11) { $b = $i % 3; for $c (0..2) { printf "%.4f ", ($c == $b ? 10 : 0) + (($i * 613 + $c * 7907) % 1013) / 1013 - 0.5 } }')
npy_f4 "$T/q.npy" 12 3 $vals2

# --- the happy path ---------------------------------------------------------------------------
"$AECLUST" umap --input "$T/x.npy" --out "$T/y.npy" --neighbors 10 --epochs 50 >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] && ok "umap runs on 90 points" || not_ok "umap runs on 90 points" "exit $rc" "$(cat "$T/err")"
grep -qE '^UMAP: 90 points -> 2 dimensions, 10 neighbours \(exact\), [0-9]+ edges in 3 pieces, init spectral, 50 epochs, a 1\.5769 b 0\.8951$' "$T/out" \
  && ok "umap prints what it did on stdout" || not_ok "umap prints what it did on stdout" "$(cat "$T/out")"
grep -qE '^UMAP neighbours done \([0-9.]+ s\)$' "$T/err" && grep -qE '^UMAP init done' "$T/err" \
  && [ "$(grep -cE '^UMAP optimise: epoch [0-9]+/50 \([0-9.]+ s\)$' "$T/err")" -eq 10 ] \
  && ok "umap logs its stages and every tenth of the epochs on stderr" || not_ok "umap logs its progress on stderr" "$(cat "$T/err")"
head -c 80 "$T/y.npy" | grep -q "'shape': (90, 2)" && [ "$(stat -c %s "$T/y.npy")" -eq $((128 + 90 * 2 * 4)) ] \
  && ok "umap writes a (90, 2) float32 .npy" || not_ok "umap writes a (90, 2) float32 .npy" "$(head -c 80 "$T/y.npy")"
"$AECLUST" umap --input "$T/x.npy" --out "$T/y2.npy" --neighbors 10 --epochs 50 --quiet >/dev/null 2>"$T/err2"
cmp -s "$T/y.npy" "$T/y2.npy" && [ ! -s "$T/err2" ] \
  && ok "umap is reproducible, --quiet silences progress" || not_ok "umap is reproducible, --quiet silences progress"
OMP_NUM_THREADS=1 "$AECLUST" umap --input "$T/x.npy" --out "$T/y1t.npy" --neighbors 10 --epochs 50 --quiet >/dev/null 2>&1
cmp -s "$T/y.npy" "$T/y1t.npy" && ok "umap gives the same bytes on one thread" || not_ok "umap gives the same bytes on one thread"
"$AECLUST" umap --input "$T/x.npy" --out "$T/y3.npy" --neighbors 10 --epochs 50 --seed 3 --quiet >/dev/null 2>&1
! cmp -s "$T/y.npy" "$T/y3.npy" && ok "another seed, another embedding" || not_ok "another seed, another embedding"
"$AECLUST" umap --input "$T/x.npy" --out "$T/y4.npy" --neighbors 10 --epochs 30 --components 3 --min-dist 0 \
  --spread 2 --learning-rate 0.5 --negative-rate 3 --init pca --knn nndescent --seed 7 \
  --transform "$T/q.npy" --out2 "$T/q4.npy" >"$T/out4" 2>/dev/null
rc=$?
[ $rc -eq 0 ] && head -c 80 "$T/y4.npy" | grep -q "'shape': (90, 3)" && head -c 80 "$T/q4.npy" | grep -q "'shape': (12, 3)" \
  && ok "umap with every option and --transform" || not_ok "umap with every option and --transform" "exit $rc" "$(cat "$T/out4")"
grep -qE 'neighbours \(nndescent, recall [01]\.[0-9]{4} on a sample\).*init pca, 30 epochs' "$T/out4" \
  && grep -qE "^UMAP transform: 12 points of .*q\.npy -> .*q4\.npy$" "$T/out4" \
  && ok "umap reports NN-descent's recall and the transform" || not_ok "umap reports NN-descent's recall and the transform" "$(cat "$T/out4")"

# --- bad input ----------------------------------------------------------------------------------
expect_error "neighbours below 2" '--neighbors: 1 is out of range' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --neighbors 1
expect_error "neighbours >= n" 'x\.npy: UMAP: n_neighbors 90 must be at least 2 and below the 90 points' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --neighbors 90
expect_error "min-dist below 0" '--min-dist: -0\.1 is out of range' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --min-dist -0.1
expect_error "min-dist above spread" '--min-dist: 1\.5 is larger than --spread 1' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --min-dist 1.5
expect_error "components below 1" '--components: 0 is out of range' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --components 0
expect_error "components >= n" 'x\.npy: UMAP: n_components 90 must be at least 1 and below the 90 points' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --components 90
npy_f4 "$T/nan.npy" 5 2  0 0  1 nan  2 2  3 3  4 4
expect_error "NaN input" 'nan\.npy: NaN at row 1, column 1' "$T/o.npy" -- "$AECLUST" umap --input "$T/nan.npy" --out "$T/o.npy" --neighbors 2
npy_f4 "$T/qnan.npy" 2 3  0 0 0  1 inf 1
expect_error "Inf in the transform input" 'qnan\.npy: Inf at row 1, column 1' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --transform "$T/qnan.npy" --out2 "$T/o2.npy"
[ ! -e "$T/o2.npy" ] && ok "no --out2 after a bad transform input" || not_ok "no --out2 after a bad transform input"
npy_f4 "$T/q2.npy" 2 2  0 0  1 1
expect_error "transform of the wrong width" 'q2\.npy: 2 columns, but .*x\.npy has 3' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --transform "$T/q2.npy" --out2 "$T/o2.npy"
[ ! -e "$T/o2.npy" ] && ok "no --out2 after a transform of the wrong width" || not_ok "no --out2 after a transform of the wrong width"
expect_error "--transform without --out2" '--transform needs --out2' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --transform "$T/q.npy"
expect_error "--out2 without --transform" '--out2 needs --transform' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --out2 "$T/o2.npy"
expect_error "bad init" "--init: unknown UMAP init 'tsne' \(known: spectral, pca, random\)" "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --init tsne
expect_error "bad knn" "--knn: unknown neighbour search 'fast'" "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --knn fast
expect_error "bad epochs" "--epochs: 'many' is not" "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --epochs many
npy_f4 "$T/two.npy" 2 2  0 0  1 1
expect_error "too few points" 'two\.npy: UMAP needs at least 3 points, got 2' "$T/o.npy" -- "$AECLUST" umap --input "$T/two.npy" --out "$T/o.npy" --neighbors 2
expect_error "missing input file" 'nothere\.npy' "$T/o.npy" -- "$AECLUST" umap --input "$T/nothere.npy" --out "$T/o.npy"
expect_error "missing transform file" 'nothere\.npy' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --transform "$T/nothere.npy" --out2 "$T/o2.npy"
expect_error "missing --out" 'missing option --out' - -- "$AECLUST" umap --input "$T/x.npy"
expect_error "missing --input" 'missing option --input' "$T/o.npy" -- "$AECLUST" umap --out "$T/o.npy"
expect_error "unwritable --out" 'nodir' - -- "$AECLUST" umap --input "$T/x.npy" --out "$T/nodir/o.npy" --neighbors 10
expect_error "unwritable --out2" 'nodir' "$T/o.npy" -- "$AECLUST" umap --input "$T/x.npy" --out "$T/o.npy" --transform "$T/q.npy" --out2 "$T/nodir/o2.npy"

finish
