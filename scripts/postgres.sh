#!/usr/bin/env bash
# Make a PostgreSQL server on 127.0.0.1 available for tests, with KAM's own role and password,
# so it works whether the server trusts local users or asks for passwords.
# Sourced by test.sh; exports KAM_TEST_DATABASE_URL.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT="${KAM_PG_PORT:-5432}"
PG_ROLE=kam_test
PG_PASSWORD=kam_test_password
PG_DB=kam_test

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt_install postgresql
fi
if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
  log "starting PostgreSQL"
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 30); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 1; done
fi

as_superuser() {
  # Over the local socket as the postgres OS user (peer auth), else over TCP (trust).
  if runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@" 2>/dev/null; then
    return 0
  fi
  psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres "$@"
}

as_superuser -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_ROLE}') THEN
    CREATE ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
  ELSE
    ALTER ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
  END IF;
END \$\$;"
if ! as_superuser -tAc "SELECT 1 FROM pg_database WHERE datname = '${PG_DB}'" | grep -q 1; then
  as_superuser -c "CREATE DATABASE ${PG_DB} OWNER ${PG_ROLE} ENCODING 'UTF8' \
    LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
fi
export KAM_TEST_DATABASE_URL="postgres://${PG_ROLE}:${PG_PASSWORD}@${PG_HOST}:${PG_PORT}/${PG_DB}"
