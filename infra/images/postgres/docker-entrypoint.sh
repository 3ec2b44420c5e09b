#!/bin/sh
# The official postgres image's entrypoint, in short: as root, own the data directory and continue as postgres;
# on the first start (no PG_VERSION), initdb with POSTGRES_USER/POSTGRES_PASSWORD, create POSTGRES_DB, run
# /docker-entrypoint-initdb.d/* against a server that listens on its socket only, then start the real server.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
case "$1" in -*) set -- postgres "$@" ;; esac

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    cat >&2 <<'MESSAGE'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
MESSAGE
    exit 1
  fi
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of arguments, as in the official image
  initdb --username="$user" --pwfile="$pwfile" -D "$PGDATA" ${POSTGRES_INITDB_ARGS:-} >&2
  rm -f "$pwfile"
  printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >&2
  sql() { psql -v ON_ERROR_STOP=1 --username "$user" --no-password --no-psqlrc "$@"; }
  if [ "$db" != postgres ]; then
    sql --dbname postgres --set db="$db" <<'SQL'
CREATE DATABASE :"db";
SQL
  fi
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sh)
        echo "running $file" >&2
        if [ -x "$file" ]; then "$file"; else . "$file"; fi
        ;;
      *.sql) echo "running $file" >&2 && sql --dbname "$db" -f "$file" ;;
      *.sql.gz) echo "running $file" >&2 && gunzip -c "$file" | sql --dbname "$db" ;;
      *) [ -e "$file" ] && echo "ignoring $file" >&2 ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >&2
  echo 'PostgreSQL init process complete; ready for start up.' >&2
fi
exec "$@"
