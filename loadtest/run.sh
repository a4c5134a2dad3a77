#!/usr/bin/env bash
# `make loadtest`: a scratch PostgreSQL database, gunicorn on 127.0.0.1, locust headless, then the check.
#
# Everything stays on this machine: gunicorn binds 127.0.0.1 only and the locustfile refuses any
# other host. The run is bounded by LOADTEST_RUN_TIME and LOADTEST_MAX_REQUESTS. Settings:
#   LOADTEST_POSTGRES_URL  server of the scratch database (default postgres://postgres@127.0.0.1:5432)
#   LOADTEST_PORT (8765)  LOADTEST_WORKERS (5)  LOADTEST_RUN_TIME (400s)  LOADTEST_SPAWN_RATE (1.3 users/s)
# At 1.3 users a second the 315 users have all started after about four minutes: a login checks a
# PBKDF2 password (about 0.3 s of CPU on purpose), so a faster rate mostly measures the hash.
# The database minsheng_loadtest is dropped and made again on every run; what locust wrote, the
# accounts and gunicorn's log are kept in .bench-cache/loadtest/.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
SERVER=${LOADTEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
DATABASE=minsheng_loadtest
PORT=${LOADTEST_PORT:-8765}
WORKERS=${LOADTEST_WORKERS:-5}
RUN_TIME=${LOADTEST_RUN_TIME:-400s}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-1.3}
OUT=.bench-cache/loadtest

mkdir -p "$OUT"
rm -f "$OUT"/sent.jsonl "$OUT"/locust_*.csv "$OUT"/gunicorn.log

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
# The production file cache, shared by the workers, in a directory of the load test's own.
export CACHE_DIR="$PWD/$OUT/page-cache"

echo "2/4 载入方案、前两个月数据和压测账号"
"$BIN/python" loadtest/setup_data.py --accounts "$OUT/accounts.json"

echo "3/4 启动 gunicorn（127.0.0.1:$PORT，$WORKERS 个进程）"
# --preload: the application (and its start-up check of every account against the demo password,
# one PBKDF2 hash per account on a new database) loads once in the master, not once per worker.
"$BIN/gunicorn" minsheng.wsgi:application --preload --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --timeout 120 --log-file "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    if "$BIN/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2)" 2>/dev/null; then
        break
    fi
    sleep 0.5
done

echo "4/4 locust：$RUN_TIME"
USERS=$("$BIN/python" -c "import json; a = json.load(open('$OUT/accounts.json')); print(len(a['liaisons']) + len(a['office']) + len(a['leaders']))")
status=0
LOADTEST_ACCOUNTS="$OUT/accounts.json" LOADTEST_SENT="$OUT/sent.jsonl" \
    "$BIN/locust" -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
    --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$RUN_TIME" --stop-timeout 30 \
    --csv "$OUT/locust" --only-summary --loglevel WARNING || status=$?

kill "$GUNICORN" 2>/dev/null || true
wait "$GUNICORN" 2>/dev/null || true
trap - EXIT
echo
echo "结果（locust 退出码 $status）"
"$BIN/python" loadtest/verify.py "$OUT"
