#!/usr/bin/env bash
# A throwaway PostgreSQL server for wtscan-serve's tests (Debian package
# postgresql): 'start DIR PORT' makes a cluster in DIR/data that listens on
# 127.0.0.1:PORT only (trust auth, its socket in DIR); 'stop DIR' stops it.
# As root, the server runs as the postgres user (initdb refuses root).
set -euo pipefail
cmd=${1:?start or stop} dir=${2:?folder}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "postgres.sh: no /usr/lib/postgresql/*/bin/initdb (Debian package postgresql)" >&2; exit 3; }
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
case $cmd in
start)
  port=${3:?port}
  "${as[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  ;;
stop)
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
  ;;
*)
  echo "postgres.sh: start DIR PORT | stop DIR" >&2
  exit 2
  ;;
esac
