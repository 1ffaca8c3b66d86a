#!/usr/bin/env bash
# Sets up, then runs the simulator (`owncast-plugin simulate`) on the example plugins: a live
# stream with chat, filters, bots, commands and timers. On a terminal it is the interactive UI
# (q quits); without one (a pipe, CI) it prints the stream as text and exits 0.
# Arguments are passed on (e.g. --plain, --json, --speed 4, --script my-stream.json).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
exec node bin/run.js simulate "$@"
