#!/usr/bin/env bash
# `make loadtest`: a scratch PostgreSQL database, gunicorn on 127.0.0.1, locust headless, then the check.
#
# Everything stays on this machine: gunicorn binds 127.0.0.1 only and the locustfile refuses any
# other host. The run is bounded by LOADTEST_RUN_TIME and LOADTEST_MAX_REQUESTS. Settings:
#   LOADTEST_POSTGRES_URL  server of the scratch database (default postgres://postgres@127.0.0.1:5432)
#   LOADTEST_DATABASE (minsheng_loadtest)  LOADTEST_SERVERS (2)  LOADTEST_PORT (8765: the first server;
#   the second listens on 8766)  LOADTEST_WORKERS (per server: 3 with two servers, 5 with one)
#   LOADTEST_LIAISONS (600)  LOADTEST_RUN_TIME (600s)  LOADTEST_SPAWN_RATE (1.5 users/s)
# Two servers by default: two gunicorn instances, each its own master and workers, like two
# machines behind nginx, sharing only PostgreSQL and the cache (CACHE_URL, Redis db 12; until the
# Redis backend is configured by it, the file cache under CACHE_DIR); locust sends each user's
# requests to them in turn. After the run, loadtest/cross_server.py checks that a submission
# made through the first server is on the second's board at its next request.
# At 1.5 users a second the 615 users have all started after about seven minutes: a login checks
# a PBKDF2 password (about 0.3 s of CPU on purpose), so a faster rate mostly measures the hash.
# The database is dropped and made again on every run; what locust wrote, the accounts and
# gunicorn's logs are kept in .bench-cache/loadtest/.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
SERVER=${LOADTEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
DATABASE=${LOADTEST_DATABASE:-minsheng_loadtest}
SERVERS=${LOADTEST_SERVERS:-2}
PORT=${LOADTEST_PORT:-8765}
if [ "$SERVERS" -gt 1 ]; then WORKERS=${LOADTEST_WORKERS:-3}; else WORKERS=${LOADTEST_WORKERS:-5}; fi
LIAISONS=${LOADTEST_LIAISONS:-600}
RUN_TIME=${LOADTEST_RUN_TIME:-600s}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-1.5}
OUT=.bench-cache/loadtest
PORTS=()
for index in $(seq 0 $((SERVERS - 1))); do PORTS+=($((PORT + index))); done
HOSTS=$(printf 'http://127.0.0.1:%s,' "${PORTS[@]}")
HOSTS=${HOSTS%,}

mkdir -p "$OUT"
rm -f "$OUT"/sent.jsonl "$OUT"/locust_*.csv "$OUT"/servers.csv "$OUT"/cross_server.json "$OUT"/gunicorn*.log \
    "$OUT"/access-*.log

echo "1/4 建临时数据库 $DATABASE"
"$BIN/python" - "$SERVER" "$DATABASE" <<'PY'
import sys
from urllib.parse import urlsplit

import psycopg2

server, name = urlsplit(sys.argv[1]), sys.argv[2]
connection = psycopg2.connect(
    host=server.hostname, port=server.port or 5432, user=server.username, password=server.password,
    dbname="postgres",
)
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cursor.execute(f'CREATE DATABASE "{name}"')
PY

export DATABASE_URL="$SERVER/$DATABASE"
export DEBUG=false
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
# Plain HTTP on the loopback: no TLS in front of gunicorn here (nginx does it in production).
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
export CONN_MAX_AGE=60
# The cache every server shares: Redis db 12 of this machine once settings read CACHE_URL;
# meanwhile the production file cache in a directory of the load test's own, shared by all.
export CACHE_URL=redis://127.0.0.1:6379/12
export CACHE_DIR="$PWD/$OUT/page-cache"
rm -rf "$CACHE_DIR"

echo "2/4 载入方案、前两个月数据和压测账号"
"$BIN/python" loadtest/setup_data.py --accounts "$OUT/accounts.json" --liaisons "$LIAISONS"

echo "3/4 启动 ${SERVERS} 个 gunicorn（127.0.0.1:${PORTS[*]}，每个 $WORKERS 个进程）"
# --preload: the application (and its start-up check of every account against the demo password)
# loads once in each master, not once per worker. One after the other, like a rolling start.
GUNICORNS=()
stop_servers() {
    for pid in "${GUNICORNS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${GUNICORNS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_servers EXIT
for port in "${PORTS[@]}"; do
    "$BIN/gunicorn" minsheng.wsgi:application --preload --bind "127.0.0.1:$port" --workers "$WORKERS" \
        --timeout 120 --log-file "$OUT/gunicorn-$port.log" --access-logfile "$OUT/access-$port.log" \
        --access-logformat '%(t)s "%(r)s" %(s)s %(b)s %(D)sus' &
    GUNICORNS+=($!)
    for _ in $(seq 1 300); do
        if "$BIN/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/accounts/login/', timeout=2)" 2>/dev/null; then
            break
        fi
        sleep 0.5
    done
done

echo "4/4 locust：$RUN_TIME"
USERS=$("$BIN/python" -c "import json; a = json.load(open('$OUT/accounts.json')); print(len(a['liaisons']) + len(a['office']) + len(a['leaders']))")
status=0
LOADTEST_ACCOUNTS="$OUT/accounts.json" LOADTEST_SENT="$OUT/sent.jsonl" LOADTEST_HOSTS="$HOSTS" \
    LOADTEST_SERVER_STATS="$OUT/servers.csv" \
    "$BIN/locust" -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
    --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$RUN_TIME" --stop-timeout 30 \
    --csv "$OUT/locust" --only-summary --loglevel WARNING || status=$?

if [ "$SERVERS" -gt 1 ]; then
    echo "跨服务器核对：经 127.0.0.1:${PORTS[0]} 提交，看 127.0.0.1:${PORTS[1]} 的驾驶舱"
    "$BIN/python" loadtest/cross_server.py "$OUT" "http://127.0.0.1:${PORTS[0]}" "http://127.0.0.1:${PORTS[1]}" || true
fi
stop_servers
trap - EXIT
echo
echo "结果（locust 退出码 $status）"
"$BIN/python" loadtest/verify.py "$OUT"
