#!/usr/bin/env bash
# make install into a scratch prefix, then a small program built against what it installed, through
# pkg-config both ways: shared (libaeclust.so) and --static (libaeclust.a plus the private libraries).
# Each program prints the library's version and a k-means on six points.
. "$(dirname "$0")/lib.sh"
build=$(cd "$(dirname "$AECLUST")" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
part() { sed -n "s/^#define AECLUST_VERSION_$1 \([0-9]*\)$/\1/p" "$root/include/aeclust/version.h"; }
version="$(part MAJOR).$(part MINOR).$(part PATCH)"
prefix="$T/prefix"
lib="$prefix/lib"

# -o all: install what this build folder holds, never rebuild it here (with other flags than its own)
unset MAKEFLAGS MFLAGS MAKELEVEL
if make -s -C "$root" -o all BUILD="$build" PREFIX="$prefix" install >"$T/install.log" 2>&1; then
  ok "make install PREFIX=<scratch>"
else
  not_ok "make install PREFIX=<scratch>" "$(tail -n 5 "$T/install.log")"; finish
fi

missing=""
for f in bin/aeclust lib/libaeclust.a "lib/libaeclust.so.$version" lib/pkgconfig/aeclust.pc include/aeclust/aeclust.h \
  include/aeclust/version.h; do
  [ -f "$prefix/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "the binary, both libraries, the headers and aeclust.pc are installed" \
  || not_ok "the binary, both libraries, the headers and aeclust.pc are installed" "missing:$missing"
n_src=$(ls "$root"/include/aeclust/*.h | wc -l); n_inst=$(ls "$prefix"/include/aeclust/*.h | wc -l)
[ "$n_src" -eq "$n_inst" ] && ok "all $n_src public headers are installed" || not_ok "all public headers are installed" "$n_inst of $n_src"
major=${version%%.*}
[ "$(readlink "$lib/libaeclust.so")" = "libaeclust.so.$major" ] && [ "$(readlink "$lib/libaeclust.so.$major")" = "libaeclust.so.$version" ] \
  && ok "libaeclust.so -> libaeclust.so.$major -> libaeclust.so.$version" \
  || not_ok "the shared library's links" "$(ls -l "$lib")"

export PKG_CONFIG_PATH="$lib/pkgconfig"
pcv=$(pkg-config --modversion aeclust 2>&1)
[ "$pcv" = "$version" ] && ok "pkg-config --modversion aeclust is $version (version.h)" \
  || not_ok "pkg-config --modversion aeclust" "got '$pcv', version.h says $version"

cat > "$T/prog.c" <<'EOF'
#include <stdio.h>
#include <string.h>

#include <aeclust/aeclust.h>

int main(void)
{
    printf("aeclust %s, header %s\n", ae_version(), AECLUST_VERSION_STRING);
    if (strcmp(ae_version(), AECLUST_VERSION_STRING) != 0 || ae_version_number() != AECLUST_VERSION_NUMBER) return 1;
    /* two groups of three points in the corners of L shapes: each point's
     * squared distance to its group's mean sums to 4/3 per group */
    static const float pts[6][2] = {{0, 0}, {0, 1}, {1, 0}, {10, 10}, {10, 11}, {11, 10}};
    ae_error err;
    ae_matrix x;
    ae_kmeans_result r;
    ae_error_clear(&err);
    memset(&x, 0, sizeof x); /* empty values, as = {0} in C (which C++ warns about) */
    memset(&r, 0, sizeof r);
    ae_kmeans_opts o = ae_kmeans_defaults();
    o.k = 2;
    if (ae_matrix_alloc(&x, 6, 2, &err) == AE_OK) {
        memcpy(x.data, pts, sizeof pts);
        if (ae_kmeans_fit(&x, &o, &r, &err) == AE_OK) {
            printf("labels");
            for (size_t i = 0; i < r.labels.n; i++) printf(" %d", (int)r.labels.data[i]);
            printf("\ninertia %.6f\n", r.inertia);
        }
    }
    ae_kmeans_result_free(&r);
    ae_matrix_free(&x);
    if (err.status) fprintf(stderr, "%s\n", err.msg);
    return err.status ? 2 : 0;
}
EOF
cp "$T/prog.c" "$T/prog.cpp"
san=$(sanitizer_flags "$lib/libaeclust.a")

# check_run NAME BINARY: it prints the version and the two groups (as labels a a a b b b).
check_run() {
  local name=$1 bin=$2 out
  out=$(LD_LIBRARY_PATH="$lib" "$bin" 2>&1); local rc=$?
  local want_v="aeclust $version, header $version"
  if [ $rc -ne 0 ]; then not_ok "$name runs" "exit $rc: $out"; return; fi
  local labels; labels=$(printf '%s\n' "$out" | sed -n 's/^labels //p')
  set -- $labels
  if [ "$(printf '%s\n' "$out" | head -n 1)" = "$want_v" ] && [ $# -eq 6 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] \
    && [ "$4" = "$5" ] && [ "$4" = "$6" ] && [ "$1" != "$4" ] && printf '%s\n' "$out" | grep -qx 'inertia 2.666667'; then
    ok "$name runs: version $version, k-means labels $labels, inertia 8/3"
  else
    not_ok "$name runs: version, k-means labels and inertia" "$out"
  fi
}

# shared: libaeclust.so.MAJOR found through LD_LIBRARY_PATH
if cc -std=c11 -Wall -Wextra -Werror $san "$T/prog.c" -o "$T/prog_shared" $(pkg-config --cflags --libs aeclust) 2>"$T/cc.log"; then
  ok "cc \$(pkg-config --cflags --libs aeclust) links"
  needed=$(readelf -d "$T/prog_shared" | sed -n 's/.*(NEEDED).*\[\(libaeclust[^]]*\)\]/\1/p')
  [ "$needed" = "libaeclust.so.$major" ] && ok "the shared program needs libaeclust.so.$major (the soname)" \
    || not_ok "the shared program needs libaeclust.so.$major" "NEEDED: '$needed'"
  resolved=$(LD_LIBRARY_PATH="$lib" ldd "$T/prog_shared" | awk '$1 ~ /^libaeclust/ { print $3 }')
  [ "$resolved" = "$lib/libaeclust.so.$major" ] && ok "it loads the installed copy" || not_ok "it loads the installed copy" "ldd: $resolved"
  check_run "the shared program" "$T/prog_shared"
else
  not_ok "cc \$(pkg-config --cflags --libs aeclust) links" "$(head -n 5 "$T/cc.log")"
fi

# static: libaeclust.a itself (-l:libaeclust.a, since -laeclust picks the .so when both are there),
# resolved with nothing but what pkg-config --static adds
static_libs=$(pkg-config --static --libs aeclust | sed 's/-laeclust\b/-l:libaeclust.a/')
if cc -std=c11 -Wall -Wextra -Werror $san "$T/prog.c" -o "$T/prog_static" $(pkg-config --cflags aeclust) $static_libs \
  2>"$T/cc.log"; then
  ok "cc \$(pkg-config --static --libs aeclust) links libaeclust.a"
  readelf -d "$T/prog_static" | grep -q 'NEEDED.*libaeclust' && not_ok "the static program does not need libaeclust.so" \
    "$(readelf -d "$T/prog_static" | grep NEEDED)" || ok "the static program does not need libaeclust.so"
  check_run "the static program" "$T/prog_static"
else
  not_ok "cc \$(pkg-config --static --libs aeclust) links libaeclust.a" "$(grep -m 5 -E 'error|undefined' "$T/cc.log")"
fi

# the installed headers from C++
if g++ -Wall -Wextra -Werror $san "$T/prog.cpp" -o "$T/prog_cxx" $(pkg-config --cflags --libs aeclust) 2>"$T/cc.log"; then
  check_run "a C++ program against the installed headers" "$T/prog_cxx"
else
  not_ok "g++ against the installed headers" "$(head -n 5 "$T/cc.log")"
fi
finish
