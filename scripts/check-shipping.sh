#!/usr/bin/env bash
# The toolchain as users get it (issue 9): the packed npm tarball installed into an empty prefix,
# then the single executable with the system's node hidden; each runs the newcomer flow
# (scripts/newcomer-flow.sh). Leaves .cache/ship/prefix and dist/ for `npm run bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHIP=$ROOT/.cache/ship

rm -rf "$SHIP"
mkdir -p "$SHIP"
echo "== npm pack (prepack builds the CLI, its bundle and oclif.manifest.json)"
npm pack --silent --pack-destination "$SHIP" >/dev/null
TARBALL=$(ls "$SHIP"/owncast-plugin-*.tgz)
if tar -tzf "$TARBALL" | grep -qE '^package/(test|bench|src/(commands|lib/(host|compiler))|node_modules)/'; then
  echo "the tarball carries development files:" >&2
  tar -tzf "$TARBALL" | grep -E '^package/(test|bench|src/|node_modules)/' | head >&2
  exit 1
fi
echo "== npm install -g $(basename "$TARBALL") into an empty prefix"
# --foreground-scripts: better-sqlite3 compiles its addon from source when no prebuilt binary can
# be fetched; nothing of ours downloads anything at install time.
npm install -g --prefix "$SHIP/prefix" --prefer-offline --no-audit --no-fund "$TARBALL" >"$SHIP/install.log" 2>&1 ||
  { tail -n 40 "$SHIP/install.log" >&2; exit 1; }
bash scripts/newcomer-flow.sh "$SHIP/prefix/bin/owncast-plugin" "$SHIP/npm-flow"

echo "== npm run build:binary"
npm run --silent build:binary
BINARY=$ROOT/dist/owncast-plugin-$(node -p 'process.platform + "-" + process.arch')
export OWNCAST_PLUGIN_CACHE_DIR=$SHIP/sea-cache
NODES=$(which -a node nodejs 2>/dev/null | sort -u | tr '\n' ' ')
if unshare -m --propagation private true 2>/dev/null; then
  echo "== the single executable with node hidden (mount namespace: /dev/null over $NODES)"
  unshare -m --propagation private bash -c '
    for n in '"$NODES"'; do mount --bind /dev/null "$n"; done
    if node -e 0 2>/dev/null; then echo "node is still reachable" >&2; exit 1; fi
    exec bash scripts/newcomer-flow.sh "$0" "$1"' "$BINARY" "$SHIP/sea-flow"
else
  echo "== the single executable with node off PATH (no mount namespaces here)"
  env PATH=/usr/sbin:/sbin:/bin bash -c 'if command -v node >/dev/null; then echo "node is still on PATH" >&2; exit 1; fi
    exec bash scripts/newcomer-flow.sh "$0" "$1"' "$BINARY" "$SHIP/sea-flow"
fi
echo "shipping checks passed"
