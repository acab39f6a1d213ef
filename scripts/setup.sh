#!/usr/bin/env bash
# Install everything KAM needs on a Debian machine: Python deps (uv, locked), front-end packages
# (npm, served locally), translations and static files. Safe to run again; fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: $*. Install them with: sudo apt-get install -y $*" >&2
    exit 1
  fi
  log "installing Debian packages: $*"
  if [ -z "${KAM_APT_UPDATED:-}" ]; then apt-get update -qq; export KAM_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# uv gives locked, fast installs and fetches Python 3.12 itself where it is missing.
if ! uv --version >/dev/null 2>&1; then
  for candidate in python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON=$candidate; break; fi
  done
  log "installing uv with ${PYTHON:?python3 is required}"
  "$PYTHON" -m pip install --quiet uv 2>/dev/null \
    || "$PYTHON" -m pip install --quiet --break-system-packages uv
  UV_BIN="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
  export PATH="$UV_BIN:$HOME/.local/bin:$PATH"
fi
log "python dependencies (uv sync --locked)"
uv sync --locked --quiet

command -v npm >/dev/null 2>&1 || apt_install nodejs npm
command -v msgfmt >/dev/null 2>&1 || apt_install gettext
log "front-end packages (npm ci)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null

log "translations and static files"
uv run --quiet python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
uv run --quiet python manage.py collectstatic --noinput -v0
