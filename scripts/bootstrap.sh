#!/usr/bin/env bash
# Prepares a fresh machine: Debian packages the project needs, a virtual environment with the
# project and its tools, compiled translations. Safe to run again; it only does what is missing.
# Usage: scripts/bootstrap.sh [--test]   (--test adds PostgreSQL and Chromium for the test suite)
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
command -v msgfmt >/dev/null || apt_packages+=(gettext)
command -v npm >/dev/null || apt_packages+=(nodejs npm)
# The grid board's PDF: WeasyPrint lays it out with Pango and embeds a Chinese font.
for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk; do
  dpkg -s "$package" >/dev/null 2>&1 || apt_packages+=("$package")
done
if [ "${1:-}" = "--test" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_packages+=(postgresql)
  [ -x /usr/bin/chromium ] || apt_packages+=(chromium)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${apt_packages[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing Python packages into .venv"
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi
# The console's front-end libraries come from npm, pinned by package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing front-end packages into node_modules"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
.venv/bin/wangge compilemessages -v 0 --ignore .venv --ignore node_modules
