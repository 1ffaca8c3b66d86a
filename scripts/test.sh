#!/usr/bin/env bash
# Sets up, checks that the committed engine and oclif.manifest.json match their sources, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
# Rebuilds core.wasm from source (QuickJS from Debian's archive + our glue) and engine.wasm
# (core + SDK runtime, via Wizer); fails unless both are byte-identical with the committed ones.
npm run --silent check:engine
bash scripts/check-manifest-fresh.sh
# vitest's own summary, plus a plain closing line for CI: "tests: N passed, N failed, N skipped"
mkdir -p .cache
status=0
npm test -- --reporter=default --reporter=json --outputFile=.cache/vitest-results.json || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest-results.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) { console.error("no tests ran"); process.exit(1); }
' || status=1
exit "$status"
