#!/usr/bin/env bash
# Installs what building and testing need, then builds:
#   1. Debian packages when any is missing: the engine's compiler (clang-16 for wasm32-wasi) and
#      Chromium for the browser tests (playwright-core drives it; nothing downloads a browser) and
#      tmux for the simulator's pseudo-terminal test;
#   2. npm packages (npm ci), unless node_modules already matches package-lock.json;
#   3. the CLI: TypeScript to lib/, then oclif.manifest.json (npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 xz-utils curl chromium tmux)
missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# `npm ci` wipes node_modules, so it runs only when the installed tree differs from
# package-lock.json (npm records what it installed in node_modules/.package-lock.json) or the lock
# differs from package.json. Set OWNCAST_SETUP_NPM_CI=1 to force it.
node_modules_current() {
  node -e '
    const fs = require("fs")
    const read = (f) => JSON.parse(fs.readFileSync(f, "utf8"))
    try {
      const lock = read("package-lock.json").packages
      const have = read("node_modules/.package-lock.json").packages
      const pkg = read("package.json")
      const same = (a = {}, b = {}) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())
      if (!same(pkg.dependencies, lock[""].dependencies) || !same(pkg.devDependencies, lock[""].devDependencies)) process.exit(1)
      for (const [key, entry] of Object.entries(lock)) {
        if (key === "") continue
        const installed = have[key]
        if (!installed ? !entry.optional : installed.version !== entry.version) process.exit(1)
      }
    } catch {
      process.exit(1)
    }
  '
}
if [ "${OWNCAST_SETUP_NPM_CI:-}" = "1" ] || ! node_modules_current; then
  npm ci --no-audit --no-fund
else
  echo "setup: node_modules matches package-lock.json (skipping npm ci)" >&2
fi

# build output is progress, not a result: keep it off stdout
npm run build >&2
