#!/usr/bin/env bash
# Set up, migrate a SQLite database, load the demo company, then run the web server and the job
# worker together. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

PORT="${KAM_PORT:-8000}"
# Links in e-mails point at this server unless a public address is configured.
export KAM_BASE_URL="${KAM_BASE_URL:-http://127.0.0.1:$PORT}"
log "database"
python manage.py migrate --noinput -v0
python manage.py demo_load

python manage.py run_huey --quiet &
WORKER_PID=$!
trap 'kill $WORKER_PID 2>/dev/null || true' EXIT INT TERM

python manage.py demo_logins --url "http://127.0.0.1:${PORT}/"
# A large export streams for tens of seconds (a director's 450k visits as xlsx: ~35 s);
# gunicorn's default 30 s timeout would kill the worker halfway through the download.
exec_args=(--bind "127.0.0.1:${PORT}" --workers "${KAM_WEB_WORKERS:-2}" --timeout 300
  --access-logfile -)
gunicorn config.wsgi:application "${exec_args[@]}"
