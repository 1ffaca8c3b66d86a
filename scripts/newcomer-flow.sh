#!/usr/bin/env bash
# A newcomer's first hour with one owncast-plugin executable: for each template, TypeScript and
# JavaScript, `new` → `build` → `test` → `package` → `inspect` → `lint-manifest`, in WORKDIR.
# Usage: scripts/newcomer-flow.sh BIN WORKDIR [template...]. Needs nothing but bash and BIN
# (the single executable runs it with no node on the machine).
set -euo pipefail
BIN=$1
WORK=$2
shift 2
TEMPLATES=("$@")
[ ${#TEMPLATES[@]} -gt 0 ] || TEMPLATES=(chat-bot filter overlay commands notifier)

rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
"$BIN" --version
for template in "${TEMPLATES[@]}"; do
  for lang in ts js; do
    name="my-$template-$lang"
    flags=(--template "$template")
    [ "$lang" = js ] && flags+=(--js)
    echo "== $name"
    "$BIN" new "$name" "${flags[@]}" >/dev/null
    (
      cd "$name"
      "$BIN" build >/dev/null
      "$BIN" test --reporter tap | tail -n 2
      "$BIN" package >/dev/null
      [ -f "$name.ocpkg" ] || { echo "no $name.ocpkg" >&2; exit 1; }
      "$BIN" inspect "$name.ocpkg" >/dev/null
      "$BIN" lint-manifest --strict >/dev/null
    )
  done
done
echo "newcomer flow passed with $BIN"
