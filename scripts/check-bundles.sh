#!/usr/bin/env bash
# The bundles `npm run build` makes (dist/apps/<app>/main.js) start from the repository root:
# each runs until it logs that it works, then stops on SIGTERM. The change feed needs Kafka: without
# KAFKA_BROKERS it must load every module and refuse with exit code 2. Used by .ci/run after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:=${TEST_DATABASE_URL:?set DATABASE_URL or TEST_DATABASE_URL}}"
export DATABASE_URL REGISTRY_JWT_SECRET="${REGISTRY_JWT_SECRET:-bundle-check-only}" KAFKA_BROKERS=

starts() { # app, log line that says it works
  local app=$1 ready=$2 log
  log=$(mktemp)
  node "dist/apps/$app/main.js" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do
    if grep -q "$ready" "$log"; then
      kill -TERM "$pid"
      wait "$pid" || true
      echo "bundle $app: started ($ready)"
      rm -f "$log"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1 # polling the log for the condition
  done
  kill -KILL "$pid" 2>/dev/null || true
  echo "bundle $app did not log '$ready':" >&2
  tail -20 "$log" >&2
  return 1
}

free_port() { node -e "const s = require('net').createServer().listen(0, () => { console.log(s.address().port); s.close(); })"; }
PORT=$(free_port) starts registry-api 'Registry API listening on'
# With its background thread (ADR 0135): the API listens only once the thread's modules are up.
PORT=$(free_port) BACKGROUND_THREAD=on starts registry-api 'Registry API listening on'
starts projector 'projecting (leader)'
PROCEDURE_RUNNER_NAME="bundle-check-$$" starts procedure-runner 'procedure runner bundle-check-'
set +e
node dist/apps/change-feed/main.js 2>/dev/null
code=$?
set -e
[ "$code" -eq 2 ] || { echo "bundle change-feed: expected exit 2 without KAFKA_BROKERS, got $code" >&2; exit 1; }
echo 'bundle change-feed: loads, and refuses to run without KAFKA_BROKERS'
