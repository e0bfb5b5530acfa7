#!/usr/bin/env bash
# Schemathesis against the running API with real authentication: no response may be
# a 5xx, and every response must match the OpenAPI schema. Called by .ci/run.
# Needs DATABASE_URL (a database it may fill with demo data and fuzzed records).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${API_CONTRACT_PORT:-8765}
LOG=$(mktemp)

$BIN/python manage.py migrate --no-input -v0
$BIN/python manage.py seed --demo -v0 >/dev/null
KEY=$($BIN/python manage.py create_api_token --user demo-supervisor --scope read_write --name schemathesis)

# A generous rate for the fuzzer: the limit itself is covered by the test suite.
DJANGO_DEBUG=false API_TOKEN_RATE=100000/minute $BIN/python manage.py runserver --noreload "127.0.0.1:$PORT" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT

for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/schema/" && break
  sleep 1
done

status=0
$BIN/st run "http://127.0.0.1:$PORT/api/schema/" \
  --header "Authorization: Bearer $KEY" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${API_CONTRACT_EXAMPLES:-25}" \
  --max-time "${API_CONTRACT_SECONDS:-600}" \
  --request-timeout 20 \
  --seed 2023 \
  --warnings off \
  || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (tail) ---"; tail -n 60 "$LOG"
fi
exit "$status"
