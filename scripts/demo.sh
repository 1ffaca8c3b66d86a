#!/usr/bin/env bash
# Sets up, then runs the demo (`owncast-plugin demo`): the example plugins on a scripted chat stream.
# Arguments are passed on (e.g. --json, --target wasm).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
exec node bin/run.js demo "$@"
