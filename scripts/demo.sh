#!/usr/bin/env bash
# Runs the platform with its demo district on the embedded SQLite database.
# Extra arguments go to `wangge demo`, for example --bind 127.0.0.1:9000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/wangge demo "$@"
