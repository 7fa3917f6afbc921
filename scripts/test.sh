#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite, then on a real PostgreSQL server that is started
# for the run on 127.0.0.1 and removed afterwards. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # Playwright's sync API runs an event loop in the test thread.
echo "== test suite on SQLite"
.venv/bin/pytest "$@"
echo "== test suite on PostgreSQL"
.venv/bin/python -m wangge.testing.postgres -- .venv/bin/pytest "$@"
