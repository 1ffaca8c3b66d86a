#!/usr/bin/env bash
# Sets up, then runs the demo (`owncast-plugin demo`). Until that command exists, it builds the
# echo-bot example with the CLI instead.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
if node bin/run.js demo --help >/dev/null 2>&1; then
  exec node bin/run.js demo "$@"
fi
node bin/run.js build examples/echo-bot
