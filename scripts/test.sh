#!/usr/bin/env bash
# Set up, then run every check CI runs: ruff, mypy, the suite on SQLite, the same suite on
# PostgreSQL, and the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

# pytest exits 5 when it collected nothing; that is a failure here, as is any other non-zero.
run_pytest() {
  local status=0
  pytest "$@" || status=$?
  if [ "$status" -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
  return "$status"
}

log "ruff"
ruff check .
ruff format --check .
log "mypy"
mypy .
log "translations (every UI string has its English)"
python manage.py makemessages -l en --no-location --no-obsolete --ignore=.venv \
  --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench -v0
python scripts/check_translations.py kam/locale/en/LC_MESSAGES/django.po

# The two databases' runs side by side, one core each: the suite is single-threaded Python.
log "tests on SQLite and on PostgreSQL, side by side"
source scripts/postgres.sh
mkdir -p var
run_pytest -q -m "not e2e and not concurrency" >var/test-sqlite.log 2>&1 &
sqlite_run=$!
DATABASE_URL="$KAM_TEST_DATABASE_URL" run_pytest -q -m "not e2e" >var/test-postgresql.log 2>&1 &
postgresql_run=$!
sqlite_status=0
wait "$sqlite_run" || sqlite_status=$?
postgresql_status=0
wait "$postgresql_run" || postgresql_status=$?
log "SQLite (exit $sqlite_status)"
cat var/test-sqlite.log
log "PostgreSQL (exit $postgresql_status)"
cat var/test-postgresql.log
if [ "$sqlite_status" -ne 0 ] || [ "$postgresql_status" -ne 0 ]; then exit 1; fi

log "concurrency tests on a file-based SQLite database"
rm -f var/test-concurrency.sqlite3*
KAM_SQLITE_TEST_NAME=var/test-concurrency.sqlite3 run_pytest -q -m concurrency

log "browser tests (Chromium)"
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM_PATH" ] || apt_install chromium
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || apt_install fonts-wqy-microhei
# A file-based database: the live server answers the page's parallel htmx requests on several
# threads, and an in-memory SQLite database would be one connection shared between them.
rm -f var/test-e2e.sqlite3*
KAM_SQLITE_TEST_NAME=var/test-e2e.sqlite3 CHROMIUM_PATH="$CHROMIUM_PATH" run_pytest -q -m e2e
