#!/usr/bin/env bash
# Sets up, checks that the committed engine and oclif.manifest.json match their sources, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
if [ -f engine/build.sh ]; then
  # Rebuilds the engine from source and fails unless it is byte-identical with the committed one.
  bash engine/build.sh --check
fi
bash scripts/check-manifest-fresh.sh
npm test
