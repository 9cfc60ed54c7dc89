#!/usr/bin/env bash
# Starts the whole system locally: installs what is missing, starts the dev stack (reusing what
# runs), migrates, seeds the demo catalog, (re)starts the worker and the API, and prints URLs.
#   scripts/dev.sh [start]   everything up (ORDER_RETURN_WINDOW='30 seconds' scripts/dev.sh: orders close soon after delivery)
#   scripts/dev.sh stop      API, worker and the stack down
#   scripts/dev.sh status    what runs, with memory
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT_DIR"
set_profile dev
APP_DIR="$STACK_DIR/app"
mkdir -p "$APP_DIR"

app_stop() {
  for name in api worker; do
    if pid_alive "$APP_DIR/$name.pid"; then log "stopping $name"; stop_pidfile "$APP_DIR/$name.pid" 15; fi
  done
}

app_start() { # name entry ready-check
  local name="$1" entry="$2"
  nohup node_modules/.bin/tsx "$entry" >>"$APP_DIR/$name.log" 2>&1 &
  echo $! >"$APP_DIR/$name.pid"
}

worker_ready() { grep -q '"msg":"workers running"' "$APP_DIR/worker.log"; }
api_ready() { curl -fsS "http://127.0.0.1:$API_PORT/health" >/dev/null; }

case "${1:-start}" in
  stop)
    app_stop
    bash scripts/stack.sh stop --profile dev
    ;;
  status)
    bash scripts/stack.sh status --profile dev
    for name in worker api; do
      if pid_alive "$APP_DIR/$name.pid"; then
        pid=$(cat "$APP_DIR/$name.pid"); kb=0
        # tsx runs the program in a child node process: count the whole tree.
        for p in $pid $(pgrep -P "$pid") $(pgrep -P "$(pgrep -P "$pid" | head -1)" 2>/dev/null); do
          kb=$(( kb + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0) ))
        done
        printf '%-14s %-8s %-9s\n' "$name" running "$(( kb / 1024 ))MB"
      else
        printf '%-14s %-8s\n' "$name" stopped
      fi
    done
    ;;
  start)
    bash scripts/install.sh
    bash scripts/stack.sh start --profile dev >&2
    eval "$(bash scripts/stack.sh env --profile dev)"
    log "migrations"
    node_modules/.bin/tsx db/migrate.ts latest | sed 's/^/    /' >&2
    log "demo catalog (idempotent)"
    node_modules/.bin/tsx scripts/seed.ts
    app_stop
    : >"$APP_DIR/worker.log"; : >"$APP_DIR/api.log"
    log "starting worker and API"
    app_start worker workers/main.ts
    app_start api api/main.ts
    wait_for worker 90 worker_ready || die "the worker did not start: $APP_DIR/worker.log"
    wait_for api 60 api_ready || die "the API did not start: $APP_DIR/api.log"
    log "search index catch-up (indexes whatever the database has that search lacks)"
    node_modules/.bin/tsx scripts/catch-up-search.ts
    cat <<INFO

  The system is running.
    API            http://127.0.0.1:$API_PORT            (readiness: /ready)
    API docs       http://127.0.0.1:$API_PORT/docs       (OpenAPI: /openapi.json)
    Support console http://127.0.0.1:$API_PORT/console   (sign in with: npm run -s token -- --role support --sub alice)
    Temporal UI    http://127.0.0.1:$TEMPORAL_UI_PORT
    Logs           $APP_DIR/{api,worker}.log  (readable: tail -f ... | npx pino-pretty)
    Return window  ${ORDER_RETURN_WINDOW:-30 days}  (orders close this long after delivery; ORDER_RETURN_WINDOW='30 seconds' for demos)

  Try it:
    TOKEN=\$(npm run -s token -- --role admin --sub alice)
    curl -s -X POST http://127.0.0.1:$API_PORT/admin/inventory/receipts -H "Authorization: Bearer \$TOKEN" \\
      -H 'Content-Type: application/json' \\
      -d '{"receiptId":"ASN-1","warehouseCode":"EU-CENTRAL-1","lines":[{"sku":"MSH-00001-GRY-M","quantity":10}]}'
    temporal workflow list --query 'WarehouseCode="EU-CENTRAL-1"'   ($TEMPORAL_BIN)

  Stop everything with: scripts/dev.sh stop
INFO
    ;;
  *) die "usage: scripts/dev.sh [start|stop|status]" ;;
esac
