#!/usr/bin/env bash
# The library as others link it: every global symbol that libaeclust.a and
# libaeclust.so define (functions, data, bss, read-only data) starts with ae_,
# the shared library carries its soname, and the library installs no exit
# handler nor calls exit or abort.
. "$(dirname "$0")/lib.sh"
build=$(dirname "$AECLUST")
root=$(cd "$(dirname "$0")/../.." && pwd)
major=$(sed -n 's/^#define AECLUST_VERSION_MAJOR \([0-9]*\)$/\1/p' "$root/include/aeclust/version.h")

# Globals the linker itself adds to some shared objects, not ours.
linker_made='^(_init|_fini|_edata|_end|__bss_start)$'

# offenders NM-ARGS... : the defined global symbols (any type) without the ae_ prefix, one a line.
# AddressSanitizer adds a global __odr_asan.NAME beside each global variable NAME: judged as NAME.
offenders() {
  nm --defined-only "$@" | awk 'NF == 3 { print $3 }' | sed 's/^__odr_asan\.//' | grep -v '^ae_' \
    | grep -vE "$linker_made" | sort -u
}
# count_ae NM-ARGS... : how many defined globals start with ae_ (the check saw the library at all).
count_ae() { nm --defined-only "$@" | awk 'NF == 3 && $3 ~ /^ae_/' | wc -l; }

check_prefix() { # NAME NM-ARGS... FILE
  local name=$1; shift
  local file=${!#}
  if [ ! -f "$file" ]; then not_ok "$name" "$file is missing"; return; fi
  local bad n
  bad=$(offenders "$@") || true
  n=$(count_ae "$@")
  if [ "$n" -lt 100 ]; then not_ok "$name" "only $n ae_ symbols seen in $file: nm failed?"; return; fi
  if [ -n "$bad" ]; then
    not_ok "$name" "$(printf '%s\n' "$bad" | wc -l) global symbols of $file lack the ae_ prefix (make them static or rename them):" $bad
    return
  fi
  ok "$name ($n symbols, all ae_)"
}

check_prefix "static library: every global starts with ae_" -g "$build/libaeclust.a"
check_prefix "shared library: every global starts with ae_" -g "$build/libaeclust.so"
check_prefix "shared library: every exported (dynamic) symbol starts with ae_" -D "$build/libaeclust.so"

# The check itself: a library with one unprefixed function, one variable and one constant must fail it.
cat > "$T/bad.c" <<'EOF'
int helper_count;
const double helper_scale = 2.0;
int helper_twice(int x) { return (int)(helper_scale * x) + helper_count; }
static int kept_private(int x) { return x; }
int ae_fine(int x) { return kept_private(x); }
EOF
if cc -fPIC -c "$T/bad.c" -o "$T/bad.o" && ar rcs "$T/bad.a" "$T/bad.o" && cc -shared -o "$T/bad.so" "$T/bad.o"; then
  got=$(offenders -g "$T/bad.a" | tr '\n' ' ')
  [ "$got" = "helper_count helper_scale helper_twice " ] && ok "the check catches unprefixed globals in an archive ($got)" \
    || not_ok "the check catches unprefixed globals in an archive" "got: $got"
  got=$(offenders -D "$T/bad.so" | tr '\n' ' ')
  [ "$got" = "helper_count helper_scale helper_twice " ] && ok "the check catches unprefixed globals in a shared object" \
    || not_ok "the check catches unprefixed globals in a shared object" "got: $got"
else
  not_ok "the check's deliberately bad library builds"
fi

so=$(readlink -f "$build/libaeclust.so")
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libaeclust.so.$major" ] && ok "the shared library's soname is $soname" \
  || not_ok "the shared library's soname is libaeclust.so.$major" "readelf says: '$soname'"
[ "$(readlink "$build/libaeclust.so")" = "libaeclust.so.$major" ] && [ -f "$build/libaeclust.so.$major" ] \
  && ok "libaeclust.so -> libaeclust.so.$major -> $(basename "$so")" \
  || not_ok "libaeclust.so -> libaeclust.so.$major" "$(ls -l "$build"/libaeclust.so*)"

# A library must not decide how the process ends: no exit handler, no exit, no abort
# (asserts, which stop on programmer errors, are allowed).
banned='^(atexit|at_quick_exit|on_exit|__cxa_atexit|exit|_exit|_Exit|quick_exit|abort)$'
used=$( (nm -u "$build/libaeclust.a"; nm -D --undefined-only "$build/libaeclust.so") | awk '{ sub(/@.*/, "", $NF); print $NF }' \
  | grep -E "$banned" | sort -u | tr '\n' ' ')
[ -z "$used" ] && ok "no atexit, exit or abort in the library" || not_ok "no atexit, exit or abort in the library" "it uses: $used"
finish
