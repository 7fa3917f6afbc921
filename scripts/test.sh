#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite, then on a real PostgreSQL server that is started
# for the run on 127.0.0.1 and removed afterwards. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
workers=${WANGGE_TEST_WORKERS:-2}
echo "== test suite on SQLite"
.venv/bin/pytest -n "$workers" "$@"
echo "== test suite on PostgreSQL"
.venv/bin/python -m wangge.testing.postgres -- .venv/bin/pytest -n "$workers" "$@"
