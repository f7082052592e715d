# Shared helpers for the CLI tests: TAP-style "ok"/"not ok" lines that scripts/run-tests.sh counts.
# $AECLUST is the binary under test; each script gets a fresh scratch folder in $T.
set -u
: "${AECLUST:?set AECLUST to the aeclust binary}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n_fail=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "# $l"; done; n_fail=$((n_fail + 1)); }

# expect_error NAME PATTERN OUTFILE -- CMD...
# CMD must exit 2, print exactly one line on stderr matching PATTERN (grep -E), and leave OUTFILE absent
# (use - for no output file).
expect_error() {
  local name=$1 pat=$2 out=$3; shift 4
  local err; err=$("$@" 2>&1 >/dev/null); local rc=$?
  local lines; lines=$(printf '%s' "$err" | grep -c '')
  if [ $rc -ne 2 ]; then not_ok "$name" "exit $rc, wanted 2" "stderr: $err"; return; fi
  if [ "$lines" -ne 1 ]; then not_ok "$name" "stderr has $lines lines, wanted 1" "stderr: $err"; return; fi
  if ! printf '%s' "$err" | grep -qE -- "$pat"; then not_ok "$name" "stderr does not match /$pat/" "stderr: $err"; return; fi
  if [ "$out" != "-" ] && [ -e "$out" ]; then not_ok "$name" "$out was written"; return; fi
  if [ "$out" != "-" ] && ls "$(dirname "$out")" | grep -q '\.tmp\.'; then not_ok "$name" "a temporary file was left"; return; fi
  ok "$name"
}

# expect_ok NAME -- CMD...: CMD exits 0.
expect_ok() {
  local name=$1; shift 2
  local outp; outp=$("$@" 2>&1); local rc=$?
  if [ $rc -ne 0 ]; then not_ok "$name" "exit $rc" "output: $(printf '%s' "$outp" | tail -n 3)"; return 1; fi
  ok "$name"
}

finish() { exit $((n_fail > 0)); }

# npy_f4 PATH ROWS COLS V... : writes a little-endian float32 .npy (values may be nan/inf).
npy_f4() {
  local path=$1 rows=$2 cols=$3; shift 3
  perl -e '
    my ($path, $r, $c, @v) = @ARGV;
    my $h = "{\x27descr\x27: \x27<f4\x27, \x27fortran_order\x27: False, \x27shape\x27: ($r, $c), }";
    $h .= " " x (64 - (10 + length($h) + 1) % 64) . "\n";
    open(my $f, ">:raw", $path) or die; print $f "\x93NUMPY\x01\x00", pack("v", length $h), $h;
    print $f pack("f<*", map { $_ eq "nan" ? 9**9**9 / 9**9**9 : $_ eq "inf" ? 9**9**9 : $_ } @v);' "$path" "$rows" "$cols" "$@"
}

# npy_raw PATH DESCR SHAPE BYTES-PERL-EXPR : writes a .npy with any header and a perl-computed body.
npy_raw() {
  local path=$1 descr=$2 shape=$3 body=$4
  perl -e '
    my ($path, $d, $s, $body) = @ARGV;
    my $h = "{\x27descr\x27: \x27$d\x27, \x27fortran_order\x27: False, \x27shape\x27: $s, }";
    $h .= " " x (64 - (10 + length($h) + 1) % 64) . "\n";
    open(my $f, ">:raw", $path) or die; print $f "\x93NUMPY\x01\x00", pack("v", length $h), $h, eval $body;' \
    "$path" "$descr" "$shape" "$body"
}

# npy_i4 PATH V... : a (n,) little-endian int32 .npy.
npy_i4() {
  local path=$1; shift
  npy_raw "$path" '<i4' "($#,)" "pack('l<*', qw($*))"
}

# sanitizer_flags LIB: the -fsanitize options a program linked with LIB needs (none unless LIB was
# built by make test-asan).
sanitizer_flags() {
  local u; u=$(nm -u "$1" 2>/dev/null)
  case "$u" in *__asan_*) printf ' -fsanitize=address' ;; esac
  case "$u" in *__ubsan_*) printf ' -fsanitize=undefined' ;; esac
}
