#!/usr/bin/env bash
# --threads N: every command and plot kind takes it, lists it in --help, rejects bad values like
# any option, and it takes effect (the same numbers as OMP_NUM_THREADS=N, which stays the default).
. "$(dirname "$0")/lib.sh"

commands=$("$AECLUST" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
kinds=$("$AECLUST" plot --help | sed -n '/^kinds:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ "$(echo $commands | wc -w)" -ge 12 ] && [ "$(echo $kinds | wc -w)" -ge 10 ] \
  && ok "the command tables list every command" || not_ok "the command tables list every command" "$commands" "$kinds"
missing=""
for c in $commands; do
  [ "$c" = plot ] && continue
  "$AECLUST" "$c" --help | grep -qE -- '^  --threads N +threads to compute on \[all CPUs, or OMP_NUM_THREADS' \
    || missing="$missing $c"
done
for k in $kinds; do
  "$AECLUST" plot "$k" --help | grep -qE -- '^  --threads N ' || missing="$missing plot-$k"
done
[ -z "$missing" ] && ok "--help lists --threads on every command" || not_ok "--help lists --threads on every command" "missing:$missing"

# bad values: one line, exit 2, no output, on any command
npy_f4 "$T/blobs.npy" 6 2  0 0  0.1 0  0 0.1   10 10  10.1 10  10 10.1
expect_error "--threads 0" 'kmeans: --threads: 0 is out of range \[1, 256\]' "$T/o.npy" -- \
  "$AECLUST" kmeans --input "$T/blobs.npy" --k 2 --out "$T/o.npy" --threads 0
expect_error "--threads 257" '--threads: 257 is out of range' "$T/o.npy" -- \
  "$AECLUST" kmeans --input "$T/blobs.npy" --k 2 --out "$T/o.npy" --threads 257
expect_error "--threads not a number" "tsne: --threads: 'two' is not an integer" "$T/o.npy" -- \
  "$AECLUST" tsne --input "$T/blobs.npy" --out "$T/o.npy" --threads two
expect_error "--threads without a value" 'option --threads needs a value N' - -- "$AECLUST" pca --threads
expect_error "--threads on a plot kind" 'plot scatter: --threads: -1 is out of range' "$T/o.png" -- \
  "$AECLUST" plot scatter --input "$T/blobs.npy" --out "$T/o.png" --threads=-1
expect_ok "--threads 1" -- "$AECLUST" kmeans --input "$T/blobs.npy" --k 2 --out "$T/o.npy" --threads 1

# In effect: OpenBLAS's PCA of 10,000 x 784 pixels differs in its last bits between 1 and 2
# threads, so `--threads N` must give what OMP_NUM_THREADS=N gives, whatever the environment.
expect_ok "export" -- "$AECLUST" export --split test --x "$T/X.npy"
pca() { "$AECLUST" pca --input "$T/X.npy" --components 8 --out "$@" >/dev/null; }
OMP_NUM_THREADS=1 pca "$T/e1.npy"
OMP_NUM_THREADS=2 pca "$T/e2.npy"
OMP_NUM_THREADS=2 pca "$T/f1.npy" --threads 1
OMP_NUM_THREADS=1 pca "$T/f2.npy" --threads 2
# the count a run used is in its metrics.json, whatever the numbers
for n in 1 2; do
  rm -rf "$T/run$n"
  OMP_NUM_THREADS=3 "$AECLUST" run experiments/fashion-kmeans-pixels.ini --out "$T/run$n" --threads $n --quiet \
    --set data.fit=test --set data.fit_limit=300 --set cluster.n_init=1 --set report.html=no --set report.figures=no >/dev/null 2>&1
  grep -q "\"threads\": $n," "$T/run$n/metrics.json" 2>/dev/null && ok "--threads $n is the run's thread count" \
    || not_ok "--threads $n is the run's thread count" "$(grep threads "$T/run$n/metrics.json" 2>&1)"
done
if cmp -s "$T/e1.npy" "$T/e2.npy"; then
  ok "# SKIP 1 and 2 threads give the same PCA here: --threads cannot be told from the default by its numbers"
else
  cmp -s "$T/e1.npy" "$T/f1.npy" && cmp -s "$T/e2.npy" "$T/f2.npy" \
    && ok "--threads N gives the numbers of OMP_NUM_THREADS=N" || not_ok "--threads N gives the numbers of OMP_NUM_THREADS=N"
fi
finish
