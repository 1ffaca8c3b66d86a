#!/usr/bin/env bash
# Fails when the committed oclif.manifest.json no longer matches the commands in src/commands/.
# oclif reads that file instead of the command classes, so a stale one hides new commands and flags.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent build
npm run --silent manifest >/dev/null

if ! git ls-files --error-unmatch oclif.manifest.json >/dev/null 2>&1; then
  echo "oclif.manifest.json is not committed: run 'npm run manifest' and commit it" >&2
  exit 1
fi
if ! git diff --exit-code -- oclif.manifest.json; then
  echo "oclif.manifest.json is stale: run 'npm run manifest' and commit the result" >&2
  exit 1
fi
echo "oclif.manifest.json is fresh"
