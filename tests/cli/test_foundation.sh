#!/usr/bin/env bash
# The foundation commands end to end: export, kmeans, metrics, run; and every
# kind of bad input, which must give one line naming the file, exit 2, and no output.
. "$(dirname "$0")/lib.sh"
D=${AECLUST_DATA:-data}

# --- working paths -------------------------------------------------------------------------
expect_ok "export fashion-mnist test split" -- "$AECLUST" export --dataset fashion-mnist --split test --x "$T/X.npy" --y "$T/y.npy"
head -c 6 "$T/X.npy" | grep -q NUMPY && ok "export writes .npy" || not_ok "export writes .npy"
size=$(stat -c %s "$T/X.npy"); [ "$size" -ge $((10000 * 784 * 4)) ] && [ "$size" -le $((10000 * 784 * 4 + 256)) ] \
  && ok "export X is 10000x784 float32" || not_ok "export X is 10000x784 float32" "size $size"

# three obvious groups in 2-D: k-means must find them, and metrics must score them perfectly
npy_f4 "$T/blobs.npy" 9 2  0 0  0.1 0  0 0.1   10 10  10.1 10  10 10.1   -10 10  -10.1 10  -10 10.1
npy_i4 "$T/blobs_y.npy" 5 5 5 7 7 7 9 9 9
out=$("$AECLUST" kmeans --input "$T/blobs.npy" --k 3 --out "$T/p.npy" --centroids "$T/c.npy" 2>&1)
[ $? -eq 0 ] && printf '%s' "$out" | grep -q 'inertia' && ok "kmeans prints inertia" || not_ok "kmeans prints inertia" "$out"
json=$("$AECLUST" metrics --true "$T/blobs_y.npy" --pred "$T/p.npy" --x "$T/blobs.npy" --json)
printf '%s' "$json" | grep -qE '"acc": ?1(\.0)?[,}]' && printf '%s' "$json" | grep -qE '"ari": ?1(\.0)?[,}]' \
  && printf '%s' "$json" | grep -q '"silhouette"' && printf '%s' "$json" | grep -q '"davies_bouldin"' \
  && ok "metrics --json on perfect clusters" || not_ok "metrics --json on perfect clusters" "$json"
json=$("$AECLUST" metrics --true "$T/blobs_y.npy" --pred "$T/p.npy" --json)
printf '%s' "$json" | grep -q silhouette && not_ok "no silhouette without --x" "$json" || ok "no silhouette without --x"
# a hand-checked case: truth 0 0 1 1, pred 0 1 1 1 -> ACC 3/4, purity 3/4
npy_i4 "$T/t4.npy" 0 0 1 1; npy_i4 "$T/p4.npy" 0 1 1 1
json=$("$AECLUST" metrics --true "$T/t4.npy" --pred "$T/p4.npy" --json)
printf '%s' "$json" | grep -qE '"acc": ?0\.75[,}]' && printf '%s' "$json" | grep -qE '"purity": ?0\.75[,}]' \
  && ok "metrics ACC and purity by hand" || not_ok "metrics ACC and purity by hand" "$json"
"$AECLUST" metrics --true "$T/blobs_y.npy" --pred "$T/p.npy" --classes digits | grep -q 'make-up' \
  && ok "metrics prints tables" || not_ok "metrics prints tables"
# IDX input is accepted wherever a matrix is read
expect_ok "kmeans reads IDX .gz directly" -- "$AECLUST" kmeans --input "$D/mnist/train-images-idx3-ubyte.gz" --k 10 --n-init 1 --max-iter 5 --out "$T/pm.npy"

# a short run of the shipped experiment: 2,000 training images, scored on them and the test set
expect_ok "run a shortened experiment" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/run" \
  --set data.fit_limit=2000 --set data.score=fit,test --set cluster.n_init=2 --set eval.geometry=fit --quiet
missing=""
for f in metrics.json clusters.txt confusion.txt experiment.ini labels_fit.npy labels_test.npy \
         pred_kmeans_pixels_fit.npy pred_kmeans_pixels_test.npy centroids_kmeans_pixels.npy; do
  [ -s "$T/run/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "run writes every output file" || not_ok "run writes every output file" "missing:$missing"
grep -q '"experiment": "fashion-kmeans-pixels"' "$T/run/metrics.json" && grep -q '"split": "test"' "$T/run/metrics.json" \
  && grep -q '"timing_s"' "$T/run/metrics.json" && grep -q '"silhouette"' "$T/run/metrics.json" \
  && ok "metrics.json has the documented keys" || not_ok "metrics.json has the documented keys" "$(head -c 600 "$T/run/metrics.json")"
ls "$T" | grep -q 'run\.tmp\.' && not_ok "no staging folder left" || ok "no staging folder left"
# same seed, same numbers
"$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/run2" --set data.fit_limit=2000 --set data.score=fit,test --set cluster.n_init=2 \
  --set eval.geometry=fit --quiet >/dev/null 2>&1
cmp -s <(grep -v '"' "$T/run/metrics.json"; grep -E '"(acc|nmi|ari|purity|silhouette)"' "$T/run/metrics.json") \
       <(grep -v '"' "$T/run2/metrics.json"; grep -E '"(acc|nmi|ari|purity|silhouette)"' "$T/run2/metrics.json") \
  && cmp -s "$T/run/pred_kmeans_pixels_test.npy" "$T/run2/pred_kmeans_pixels_test.npy" \
  && ok "same seed gives the same results" || not_ok "same seed gives the same results"

# --- bad input -------------------------------------------------------------------------------
mkdir -p "$T/bad/fashion-mnist"
good="$D/fashion-mnist"
cp -L "$good/t10k-labels-idx1-ubyte.gz" "$T/bad/fashion-mnist/"
# truncated .gz
head -c 100000 "$good/t10k-images-idx3-ubyte.gz" > "$T/bad/fashion-mnist/t10k-images-idx3-ubyte.gz"
expect_error "truncated .gz" 't10k-images-idx3-ubyte.gz' "$T/o.npy" -- "$AECLUST" export --data-dir "$T/bad" --split test --x "$T/o.npy"
# corrupt .gz (bytes flipped in the middle)
cp -L "$good/t10k-images-idx3-ubyte.gz" "$T/c.gz"; printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$T/c.gz" bs=1 seek=200000 conv=notrunc status=none
cp "$T/c.gz" "$T/bad/fashion-mnist/t10k-images-idx3-ubyte.gz"
expect_error "corrupt .gz" 't10k-images-idx3-ubyte.gz' "$T/o.npy" -- "$AECLUST" export --data-dir "$T/bad" --split test --x "$T/o.npy"
# wrong IDX magic
rm -f "$T/o.npy"
printf '\x00\x00\x0d\x02\x00\x00\x00\x02\x00\x00\x00\x02abcdabcdabcdabcd' > "$T/wrongtype-ubyte"
expect_error "IDX dtype other than uint8" 'wrongtype-ubyte' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/wrongtype-ubyte" --k 1 --out "$T/o.npy"
printf '\x01\x02\x08\x02\x00\x00\x00\x02\x00\x00\x00\x02abcd' > "$T/wrongmagic-ubyte"
expect_error "wrong IDX magic" 'wrongmagic-ubyte' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/wrongmagic-ubyte" --k 1 --out "$T/o.npy"
printf 'JUNKJUNKJUNK' > "$T/junk-ubyte"
expect_error "not an IDX file" 'junk-ubyte' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/junk-ubyte" --k 1 --out "$T/o.npy"
# dims that disagree with the file length
printf '\x00\x00\x08\x03\x00\x00\x00\x05\x00\x00\x00\x02\x00\x00\x00\x02abcdefgh' > "$T/short-ubyte"
expect_error "IDX dims longer than the file" 'short-ubyte' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/short-ubyte" --k 1 --out "$T/o.npy"
# image and label counts differ
gzip -dc "$good/t10k-labels-idx1-ubyte.gz" | head -c 5008 | perl -pe 'BEGIN{binmode STDIN;binmode STDOUT} s/^(....)\x00\x00\x27\x10/$1\x00\x00\x13\x88/s' | gzip > "$T/bad/fashion-mnist/t10k-labels-idx1-ubyte.gz"
cp -L "$good/t10k-images-idx3-ubyte.gz" "$T/bad/fashion-mnist/"
expect_error "image and label counts differ" '10000.*5000|5000.*10000' "$T/o.npy" -- "$AECLUST" export --data-dir "$T/bad" --split test --x "$T/o.npy"
# missing file
expect_error "missing input file" 'nothere\.npy' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/nothere.npy" --k 2 --out "$T/o.npy"
expect_error "missing data folder" 'fashion-mnist|nodata' "$T/o.npy" -- "$AECLUST" export --dataset mnist --data-dir "$T/nodata" --split train --x "$T/o.npy"
# .npy: unsupported dtype, bad header, truncated, Fortran order is read (not refused)
npy_raw "$T/complex.npy" '<c8' '(2, 2)' '"\0" x 32'
expect_error ".npy unsupported dtype" 'complex\.npy.*(dtype|c8)' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/complex.npy" --k 1 --out "$T/o.npy"
printf '\x93NUMPY\x01\x00\x10\x00{garbage header}' > "$T/badhdr.npy"
expect_error ".npy bad header" 'badhdr\.npy' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/badhdr.npy" --k 1 --out "$T/o.npy"
npy_raw "$T/trunc.npy" '<f4' '(100, 3)' '"\0" x 40'
expect_error ".npy truncated data" 'trunc\.npy' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/trunc.npy" --k 1 --out "$T/o.npy"
npy_raw "$T/empty.npy" '<f4' '(0, 3)' '""'
expect_error "empty input" 'empty\.npy' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/empty.npy" --k 1 --out "$T/o.npy"
# NaN and Inf in a matrix
npy_f4 "$T/nan.npy" 3 2  0 0  1 nan  2 2
expect_error "NaN in a matrix" 'nan\.npy.*NaN' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/nan.npy" --k 2 --out "$T/o.npy"
npy_f4 "$T/inf.npy" 3 2  0 0  1 inf  2 2
expect_error "Inf in a matrix" 'inf\.npy.*Inf' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/inf.npy" --k 2 --out "$T/o.npy"
# k out of range
expect_error "k = 0" '--k: 0 is out of range' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/blobs.npy" --k 0 --out "$T/o.npy"
expect_error "k > n" 'blobs\.npy.*k = 10 is larger than the number of points \(9\)' "$T/o.npy" -- "$AECLUST" kmeans --input "$T/blobs.npy" --k 10 --out "$T/o.npy"
expect_error "k not a number" "'three'" "$T/o.npy" -- "$AECLUST" kmeans --input "$T/blobs.npy" --k three --out "$T/o.npy"
# label and prediction lengths differ
npy_i4 "$T/short_y.npy" 1 2 3
expect_error "labels of different lengths" 'short_y\.npy has 3 labels but .*p\.npy has 9' - -- "$AECLUST" metrics --true "$T/short_y.npy" --pred "$T/p.npy"
expect_error "x rows differ from labels" 'rows' - -- "$AECLUST" metrics --true "$T/t4.npy" --pred "$T/p4.npy" --x "$T/blobs.npy"
npy_raw "$T/fl.npy" '<f8' '(3,)' 'pack("d<*", 0.5, 1, 2)'
expect_error "non-integer labels" 'fl\.npy' - -- "$AECLUST" metrics --true "$T/fl.npy" --pred "$T/short_y.npy"
# missing and unknown options
expect_error "missing --out" 'missing option --out' - -- "$AECLUST" kmeans --input "$T/blobs.npy"
expect_error "unknown option" 'unknown option --bogus' - -- "$AECLUST" kmeans --input "$T/blobs.npy" --out "$T/o.npy" --bogus 1
expect_error "unknown command" "unknown command" - -- "$AECLUST" frobnicate
# experiment files: unknown section, unknown key, unparsable value, missing file, --set errors
printf '[cluster]\nk = 10\n[bogus]\nx = 1\n' > "$T/e1.ini"
expect_error "INI unknown section" 'e1\.ini:[34]:.*bogus' "$T/r1" -- "$AECLUST" run "$T/e1.ini" --out "$T/r1"
printf '[cluster]\nk = 10\nkk = 3\n' > "$T/e2.ini"
expect_error "INI unknown key" "e2\.ini:3.*'kk'" "$T/r2" -- "$AECLUST" run "$T/e2.ini" --out "$T/r2"
printf '[data]\nfit = train\n[cluster]\nk = ten\n' > "$T/e3.ini"
expect_error "INI unparsable value" "e3\.ini:4.*cluster\.k.*'ten'" "$T/r3" -- "$AECLUST" run "$T/e3.ini" --out "$T/r3"
printf '[cluster]\ntol = -1\n' > "$T/e4.ini"
expect_error "INI value out of range" "e4\.ini:2.*tol" "$T/r4" -- "$AECLUST" run "$T/e4.ini" --out "$T/r4"
expect_error "missing experiment file" 'nothere\.ini' "$T/r5" -- "$AECLUST" run "$T/nothere.ini" --out "$T/r5"
expect_error "--set unknown key" 'cluster\.kay' "$T/r6" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/r6" --set cluster.kay=3
expect_error "--set bad value" "cluster.k=-3.*range" "$T/r7" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/r7" --set cluster.k=-3
# a run that fails part-way keeps the previous run folder as it was
expect_error "failed run leaves the old folder" 'fit_limit' - -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/run" --set data.fit_limit=70000 --quiet
cmp -s "$T/run/pred_kmeans_pixels_test.npy" "$T/run2/pred_kmeans_pixels_test.npy" && ok "old run folder intact" || not_ok "old run folder intact"
ls "$T" | grep -q 'run\.tmp\.' && not_ok "failed run leaves no staging folder" || ok "failed run leaves no staging folder"
# several outputs: all or none
expect_error "kmeans: unwritable --centroids leaves no --out" 'nodir' "$T/pc.npy" -- "$AECLUST" kmeans --input "$T/blobs.npy" --k 3 --out "$T/pc.npy" --centroids "$T/nodir/c.npy"
expect_error "export: unwritable --y leaves no --x" 'nodir' "$T/xe.npy" -- "$AECLUST" export --split test --x "$T/xe.npy" --y "$T/nodir/y.npy"
expect_error "export: --x and --y the same file" 'two outputs' "$T/same.npy" -- "$AECLUST" export --split test --x "$T/same.npy" --y "$T/same.npy"
# folders where files belong
expect_error "a folder as input" 'is a folder' "$T/o.npy" -- "$AECLUST" kmeans --input "$T" --k 2 --out "$T/o.npy"
expect_error "a folder as experiment" 'not a regular file' - -- "$AECLUST" run "$T" --out "$T/r8"
expect_error "--seed -1" "--seed: '-1'" "$T/r9" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/r9" --seed -1
# experiment files: long lines, comments, a missing '=' on its own line
long=$(printf 'dense 8 relu, %.0s' $(seq 1 30))
printf '[experiment]\ndescription = %s  ; a comment\n# another\n[cluster]\nk = 2\n' "$long" > "$T/long.ini"
expect_ok "INI: long lines and comments" -- "$AECLUST" run "$T/long.ini" --out "$T/rl" --set data.fit_limit=200 --set data.score=fit --set cluster.n_init=1 --quiet
printf '[cluster]\nk = 2\njunk line\nbogus = 1\n' > "$T/e5.ini"
expect_error "INI line without '='" "e5\.ini:3: expected 'key = value'" - -- "$AECLUST" run "$T/e5.ini" --out "$T/r10"
# run folders: a trailing slash, a re-run replacing the old folder, readable outputs, geometry on the fit split
expect_ok "run --out with a trailing slash" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/rs/" \
  --set data.fit=test --set data.score=fit --set cluster.n_init=1 --set cluster.max_iter=20 --set eval.geometry=test --quiet
grep -q '"silhouette"' "$T/rs/metrics.json" && ok "geometry named by the fit split's name" || not_ok "geometry named by the fit split's name"
touch "$T/rs/stale-file"
expect_ok "a re-run replaces the folder" -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/rs" \
  --set data.fit=test --set data.fit_limit=300 --set data.score=fit --set cluster.n_init=1 --quiet
[ ! -e "$T/rs/stale-file" ] && grep -q '"n": 300' "$T/rs/metrics.json" && ! ls "$T" | grep -q 'rs\.old\.' \
  && ok "the replaced folder holds only the new run" || not_ok "the replaced folder holds only the new run"
perms=$(umask 022; "$AECLUST" kmeans --input "$T/blobs.npy" --k 3 --out "$T/perm.npy" >/dev/null && stat -c %a "$T/perm.npy" "$T/rs")
[ "$(echo $perms)" = "644 755" ] && ok "outputs get the usual permissions" || not_ok "outputs get the usual permissions" "$perms"
printf 'x' > "$T/afile"
expect_error "--out naming a file" 'afile: exists and is not a folder' - -- "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/afile"
finish
