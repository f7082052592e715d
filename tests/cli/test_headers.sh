#!/usr/bin/env bash
# The public headers (include/aeclust/*.h) from C++ and on their own: each compiles alone with g++
# and with cc (it includes what it needs), each wraps its declarations in extern "C", aeclust.h
# includes every one, and a C++ program that takes the address of every public function links
# against the library (a declaration outside extern "C" would leave a mangled name unresolved).
. "$(dirname "$0")/lib.sh"
build=$(cd "$(dirname "$AECLUST")" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
inc="$root/include"
headers=$(cd "$inc" && ls aeclust/*.h)
strict="-Wall -Wextra -Werror -pedantic"

no_guard=""; alone_cxx=""; alone_c=""
for h in $headers; do
  # (aeclust.h only includes the others)
  [ "$h" = aeclust/aeclust.h ] || grep -q '^extern "C" {' "$inc/$h" || no_guard="$no_guard $h"
  printf '#include "%s"\n' "$h" > "$T/one.cpp"
  g++ -std=c++11 $strict -I"$inc" -fsyntax-only "$T/one.cpp" 2>"$T/err" || alone_cxx="$alone_cxx $h: $(head -n 1 "$T/err")"
  printf '#include "%s"\n' "$h" > "$T/one.c"
  cc -std=c11 $strict -I"$inc" -fsyntax-only "$T/one.c" 2>"$T/err" || alone_c="$alone_c $h: $(head -n 1 "$T/err")"
done
n=$(printf '%s\n' $headers | wc -l)
[ -z "$no_guard" ] && ok "all $n public headers have extern \"C\" guards" || not_ok "every public header has extern \"C\" guards" "without:$no_guard"
[ -z "$alone_cxx" ] && ok "each public header compiles alone as C++ (g++ -std=c++11 $strict)" \
  || not_ok "each public header compiles alone as C++" "$alone_cxx"
[ -z "$alone_c" ] && ok "each public header compiles alone as C11 ($strict)" || not_ok "each public header compiles alone as C11" "$alone_c"

missing=""
for h in $headers; do
  [ "$h" = aeclust/aeclust.h ] && continue
  grep -q "^#include \"$(basename "$h")\"" "$inc/aeclust/aeclust.h" || missing="$missing $h"
done
[ -z "$missing" ] && ok "aeclust.h includes every public header" || not_ok "aeclust.h includes every public header" "missing:$missing"

# Every function the shared library exports and a public header declares, referenced from C++.
so="$build/libaeclust.so"
fns=$(nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sort -u | while read -r f; do
  grep -qE "\b$f\(" "$inc"/aeclust/*.h && echo "$f"; done)
n_fns=$(printf '%s\n' $fns | wc -l)
{
  echo '#include <cstdio>'
  echo '#include "aeclust/aeclust.h"'
  echo 'typedef void (*any_fn)();'
  echo 'static const any_fn every_function[] = {'
  for f in $fns; do echo "    reinterpret_cast<any_fn>(&$f),"; done
  echo '};'
  echo 'int main() { std::printf("%s %zu\n", ae_version(), sizeof every_function / sizeof every_function[0]); }'
} > "$T/all.cpp"
san=$(sanitizer_flags "$so")
if [ "$n_fns" -lt 100 ]; then
  not_ok "the public functions are found" "only $n_fns exported functions are declared in include/aeclust"
elif g++ -std=c++11 -Wall -Wextra -Werror $san -I"$inc" "$T/all.cpp" -o "$T/all" -L"$build" -laeclust -Wl,-rpath,"$build" \
  2>"$T/err"; then
  out=$("$T/all" 2>&1)
  [ "$out" = "$(sed -n 's/^#define AECLUST_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$inc/aeclust/version.h" | paste -sd.) $n_fns" ] \
    && ok "a C++ program using all $n_fns public functions links and runs" || not_ok "the C++ program runs" "$out"
else
  not_ok "a C++ program using all $n_fns public functions links" "$(grep -m 5 -E 'error|undefined' "$T/err")"
fi
finish
