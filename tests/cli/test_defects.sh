#!/usr/bin/env bash
# Regression tests of defects a mutation fuzzer found (the reliability issue's list): each input used
# to be accepted silently or to misbehave; now it gets one line naming the problem, exit 2, no output.
. "$(dirname "$0")/lib.sh"

# a model file with a valid checksum but a NaN weight is refused, naming the tensor
"$AECLUST" export --dataset fashion-mnist --split test --x "$T/X.npy" >/dev/null
"$AECLUST" train experiments/fashion-dense-ae-32.ini --input "$T/X.npy" --model "$T/m.aenn" --quiet --set train.epochs=1 \
  --set "model.encoder=dense 8 relu, dense 2" --set "model.decoder=dense 8 relu, dense 784 sigmoid" >/dev/null 2>&1
perl -MCompress::Zlib -e '
  my ($in, $out) = @ARGV; open(my $f, "<:raw", $in) or die; local $/; my $b = <$f>; close $f;
  my $at = index($b, "encoder.0.kernel") + length("encoder.0.kernel") + 4 + 8;   # name, rank, two dims
  substr($b, $at + 4 * 5, 4) = pack("V", 0x7fc00000);                            # entry 5 := NaN
  substr($b, -4, 4) = pack("V", crc32(substr($b, 0, length($b) - 4)));          # a valid checksum again
  open(my $g, ">:raw", $out) or die; print $g $b;' "$T/m.aenn" "$T/nan.aenn"
expect_error "a NaN weight behind a valid checksum" "nan\.aenn: tensor 'encoder\.0\.kernel' holds NaN at entry 5" "$T/Z.npy" \
  -- "$AECLUST" embed --model "$T/nan.aenn" --input "$T/X.npy" --out "$T/Z.npy"
expect_ok "the unpatched model still embeds" -- "$AECLUST" embed --model "$T/m.aenn" --input "$T/X.npy" --out "$T/Z0.npy"

# INI line endings: CRLF is read as LF, a lone CR (inside a line, or CR-only files) is refused with file:line
printf '[experiment]\r\nseed = 3\r\n[cluster]\r\nk = 3\r\n' > "$T/crlf.ini"
out=$("$AECLUST" run "$T/crlf.ini" --out "$T/crlf" --quiet --set data.fit=test --set data.fit_limit=200 \
      --set cluster.n_init=1 --set report.html=no --set report.figures=no 2>&1)
grep -q '"seed": 3,' "$T/crlf/metrics.json" 2>/dev/null && grep -q '^k = 3$' "$T/crlf/experiment.ini" \
  && ok "CRLF line endings are read" || not_ok "CRLF line endings are read" "$out"
printf '[cluster]\nk = 3\rgarbage = 1\n' > "$T/cr.ini"
expect_error "a carriage return inside a line" "cr\.ini:2: a carriage return inside the line" "$T/cr" \
  -- "$AECLUST" run "$T/cr.ini" --out "$T/cr"
printf '[cluster]\rk = 3\r' > "$T/cronly.ini"
expect_error "CR-only line endings" "cronly\.ini:1: a carriage return" "$T/cronly" -- "$AECLUST" run "$T/cronly.ini" --out "$T/cronly"

# k-means on entries whose squares overflow float32 is refused (it used to exit 0 with empty clusters)
npy_f4 "$T/big.npy" 3 2 1 2 3 4 2e19 1
expect_error "k-means on entries too large for float32 distances" "big\.npy: k-means: x: \|2e\+19\| at row 2, column 0 is too large" \
  "$T/big_l.npy" -- "$AECLUST" kmeans --input "$T/big.npy" --k 2 --out "$T/big_l.npy"
npy_f4 "$T/fine.npy" 3 2 1 2 3 4 2e17 1
expect_ok "entries below the bound cluster" -- "$AECLUST" kmeans --input "$T/fine.npy" --k 2 --out "$T/fine_l.npy"
finish
