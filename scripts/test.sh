#!/usr/bin/env bash
# Sets up, checks that the committed engine and oclif.manifest.json match their sources, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
# Rebuilds core.wasm from source (QuickJS from Debian's archive + our glue) and engine.wasm
# (core + SDK runtime, via Wizer); fails unless both are byte-identical with the committed ones.
npm run --silent check:engine
bash scripts/check-manifest-fresh.sh
npm test
