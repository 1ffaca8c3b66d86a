#!/usr/bin/env bash
# Installs what building and testing need, then builds:
#   1. Debian packages for compiling the engine (clang-16 for wasm32-wasi) when any is missing;
#   2. npm packages (npm ci), unless node_modules already matches package-lock.json;
#   3. the CLI (npm run build: TypeScript to lib/ and oclif.manifest.json).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 xz-utils curl)
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

# npm keeps node_modules/.package-lock.json in step with what it installed; when it is newer than
# package.json and package-lock.json, the install is current and `npm ci` (which wipes
# node_modules) is skipped. Set OWNCAST_SETUP_NPM_CI=1 to force it.
hidden=node_modules/.package-lock.json
if [ "${OWNCAST_SETUP_NPM_CI:-}" = "1" ] || [ ! -f "$hidden" ] || [ package-lock.json -nt "$hidden" ] || [ package.json -nt "$hidden" ]; then
  npm ci --no-audit --no-fund
else
  echo "setup: node_modules is up to date with package-lock.json (skipping npm ci)" >&2
fi

npm run build
