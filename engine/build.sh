#!/usr/bin/env bash
# Builds engine/core.wasm: QuickJS (Debian's source package, checksum-pinned) plus
# our C glue, for wasm32-wasi as a reactor, with Debian's clang-16/lld-16/wasi-libc.
#
#   engine/build.sh           build engine/core.wasm
#   engine/build.sh --check   build into a temp dir and fail if it differs from the committed core.wasm
#
# -Os: measured against -O2 and -Oz in BENCHMARKS.md (as fast as -O2 on JS, within the
# size budget that -O2 misses). OPT=-O2 builds another level for comparison.
#
# The build is reproducible: build paths are stripped with -ffile-prefix-map and
# nothing date- or seed-dependent reaches the output.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QJS_VERSION=2025.04.26
QJS_TARBALL="quickjs_${QJS_VERSION}.orig.tar.xz"
QJS_SHA256=ec81da5b3249ed648dbc7df4a1654988910e66a118d9b71cb63534216efcfbbe
CC=${CC:-clang-16}
# 64 MiB: the production host's cap (1024 pages). The JS heap limit (48 MiB) sits below it.
MAX_MEMORY=67108864
STACK_SIZE=1048576

mode=build
[[ "${1:-}" == "--check" ]] && mode=check

say() { echo "engine: $*" >&2; }

need_tools() {
  local missing=()
  command -v "$CC" >/dev/null || missing+=(clang-16)
  command -v wasm-ld-16 >/dev/null || command -v wasm-ld >/dev/null || missing+=(lld-16)
  [[ -f /usr/lib/wasm32-wasi/libc.a ]] || missing+=(wasi-libc)
  ls /usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || missing+=(libclang-rt-16-dev-wasm32)
  if ((${#missing[@]})); then
    say "missing Debian packages: ${missing[*]}"
    say "install them with: apt-get install -y ${missing[*]}   (or run scripts/setup.sh)"
    exit 2
  fi
}

# The mirror comes from this machine's apt configuration (deb822 .sources or
# one-line sources.list), never from a hard-coded host.
apt_mirror() {
  local uri=""
  shopt -s nullglob
  for f in /etc/apt/sources.list.d/*.sources; do
    uri=$(awk '
      /^[[:space:]]*$/ { if (deb && main && u != "") { print u; exit } deb=0; main=0; u=""; next }
      /^Types:/ { deb = ($0 ~ /(^|[[:space:]])deb([[:space:]]|$)/) }
      /^URIs:/ { u = $2 }
      /^Suites:/ { if ($0 ~ /security/) deb = 0 }
      /^Components:/ { main = ($0 ~ /main/) }
      END { if (deb && main && u != "") print u }' "$f" | head -n1)
    [[ -n "$uri" ]] && break
  done
  if [[ -z "$uri" && -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  shopt -u nullglob
  [[ -n "$uri" ]] || { say "could not find a Debian mirror in /etc/apt/sources.list*"; exit 2; }
  echo "${uri%/}"
}

fetch_quickjs() {
  local vendor="$here/vendor" tarball="$here/vendor/$QJS_TARBALL"
  mkdir -p "$vendor"
  if [[ -f "$tarball" ]] && echo "$QJS_SHA256  $tarball" | sha256sum -c --status; then
    return
  fi
  local mirror url
  mirror=$(apt_mirror)
  url="$mirror/pool/main/q/quickjs/$QJS_TARBALL"
  say "fetching $url"
  curl -fsSL --retry 3 -o "$tarball.part" "$url"
  if ! echo "$QJS_SHA256  $tarball.part" | sha256sum -c --status; then
    rm -f "$tarball.part"
    say "checksum mismatch for $QJS_TARBALL (expected $QJS_SHA256)"
    exit 1
  fi
  mv "$tarball.part" "$tarball"
}

build_core() {
  local out="$1" work="$2"
  local qjs="$work/quickjs"
  rm -rf "$qjs" && mkdir -p "$qjs"
  tar -xJf "$here/vendor/$QJS_TARBALL" -C "$qjs" --strip-components=1
  for p in "$here"/patches/*.patch; do
    patch -s -d "$qjs" -p1 < "$p"
  done
  node "$here/gen-sources.mjs"

  local ld=wasm-ld-16
  command -v "$ld" >/dev/null || ld=wasm-ld
  local cflags=(
    --target=wasm32-wasi "${OPT:--Os}" -g0
    -nostdlibinc -isystem /usr/include/wasm32-wasi
    -I "$here/src/compat" -I "$qjs" -I "$here/src"
    -D_GNU_SOURCE -DCONFIG_VERSION="\"$QJS_VERSION\"" -DNDEBUG
    -fno-exceptions -Wno-everything
    -ffile-prefix-map="$work"=. -ffile-prefix-map="$here"=. -fdebug-prefix-map="$work"=.
  )
  local objs=()
  for src in "$here/src/qjs_ext.c" "$qjs/libregexp.c" "$qjs/libunicode.c" "$qjs/cutils.c" "$qjs/dtoa.c" "$here/src/glue.c"; do
    local obj="$work/$(basename "${src%.c}").o"
    "$CC" "${cflags[@]}" -c "$src" -o "$obj"
    objs+=("$obj")
  done
  local rt_builtins=/usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a
  "$ld" --no-entry -o "$out" \
    /usr/lib/wasm32-wasi/crt1-reactor.o "${objs[@]}" \
    -L/usr/lib/wasm32-wasi -lc -lm "$rt_builtins" \
    --export=_initialize --export=ocp_io \
    -z stack-size=$STACK_SIZE --stack-first \
    --max-memory=$MAX_MEMORY --strip-all
}

need_tools
fetch_quickjs
start=$(date +%s)
if [[ "$mode" == check ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  build_core "$tmp/core.wasm" "$tmp"
  if cmp -s "$tmp/core.wasm" "$here/core.wasm"; then
    say "core.wasm is reproducible: rebuilt from source in $(( $(date +%s) - start )) s, byte-identical"
  else
    say "core.wasm differs from a fresh build from source:"
    say "  committed $(sha256sum < "$here/core.wasm" | cut -c1-16)…  rebuilt $(sha256sum < "$tmp/core.wasm" | cut -c1-16)…"
    say "run engine/build.sh and commit engine/core.wasm"
    exit 1
  fi
else
  work="$here/build"
  mkdir -p "$work"
  build_core "$work/core.wasm" "$work"
  cp "$work/core.wasm" "$here/core.wasm"
  say "wrote engine/core.wasm ($(stat -c %s "$here/core.wasm") bytes) in $(( $(date +%s) - start )) s"
fi
