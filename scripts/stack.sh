#!/usr/bin/env bash
# The local stack: real PostgreSQL, Redis, Elasticsearch, Temporal dev server, stripe-mock, the
# Stripe sandbox in front of it (sandboxes/stripe), the carrier sandbox (sandboxes/carrier) and
# Mailpit (the SMTP sink the email sender delivers to, with a web UI and an HTTP API) on loopback, each on its own port, data under .stack/<profile>/ (git-ignored). No Docker.
#
#   scripts/stack.sh start  [--profile dev|test] [--no-temporal]
#   scripts/stack.sh stop   [--profile dev|test]
#   scripts/stack.sh status [--profile dev|test]
#   scripts/stack.sh env    [--profile dev|test]    # prints `export ...` lines for the app
#   scripts/stack.sh restart SERVICE [--profile dev|test] [--down SECONDS]   # stop, stay down, start (fault drills)
#
# start is idempotent: a service already running is reused. A service whose URL is already in
# the environment (DATABASE_URL, REDIS_URL, ELASTICSEARCH_URL, TEMPORAL_ADDRESS, STRIPE_API_BASE,
# CARRIER_API_BASE, SMTP_URL) is used as is and not started.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

command="${1:-status}"; shift || true
target=""
if [ "$command" = restart ]; then target="${1:-}"; shift || true; fi
profile=dev; with_temporal=1; down_for=0
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile="$2"; shift 2 ;;
    --no-temporal) with_temporal=0; shift ;;
    --down) down_for="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
set_profile "$profile"

# Remember which URLs came from outside before we fill in our own.
external=" "
[ -n "${DATABASE_URL:-}" ] && external+="postgres "
[ -n "${REDIS_URL:-}" ] && external+="redis "
[ -n "${ELASTICSEARCH_URL:-}" ] && external+="elasticsearch "
[ -n "${TEMPORAL_ADDRESS:-}" ] && external+="temporal "
[ -n "${STRIPE_API_BASE:-}" ] && external+="stripe-mock stripe-sandbox "
[ -n "${CARRIER_API_BASE:-}" ] && external+="carrier-sandbox "
[ -n "${SMTP_URL:-}" ] && external+="mailpit "
export_profile_env
is_external() { [[ "$external" == *" $1 "* ]]; }

services=(postgres redis elasticsearch stripe-mock stripe-sandbox carrier-sandbox mailpit)
[ "$with_temporal" -eq 1 ] && services+=(temporal)

require() { # path hint
  [ -x "$1" ] || die "$1 is missing; install it with: scripts/install.sh${2:+ ($2)}"
}

# ---------------------------------------------------------------- PostgreSQL
postgres_dir() { echo "$STACK_DIR/postgres"; }
postgres_running() { as_service_user "$PG_BIN/pg_ctl" -D "$(postgres_dir)/data" status >/dev/null 2>&1; }
postgres_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d "$PG_DB" -U "$PG_USER"; }
postgres_start() {
  require "$PG_BIN/postgres" "apt-get install -y postgresql-$POSTGRES_MAJOR"
  local dir; dir="$(postgres_dir)"
  ensure_service_dir "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    # Trust on loopback only: a throwaway developer cluster, never exposed.
    as_service_user "$PG_BIN/initdb" -D "$dir/data" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || die "initdb failed: $dir/initdb.log"
    local durability=""
    # The test cluster is rebuilt at will; trading crash safety for speed is right there only.
    [ "$PROFILE" = test ] && durability=$'fsync = off\nsynchronous_commit = off\nfull_page_writes = off'
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 128MB
$durability
CONF
  fi
  as_service_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" start >/dev/null || die "PostgreSQL failed to start: $dir/postgres.log"
}
postgres_after_ready() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -Atqc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1 \
    || "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
}
postgres_stop() { as_service_user "$PG_BIN/pg_ctl" -D "$(postgres_dir)/data" -m fast stop >/dev/null 2>&1 || true; }
postgres_pids() { head -1 "$(postgres_dir)/data/postmaster.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------- Redis
redis_dir() { echo "$STACK_DIR/redis"; }
redis_running() { pid_alive "$(redis_dir)/redis.pid"; }
redis_ready() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG; }
redis_start() {
  require "$REDIS_BIN" "apt-get install -y redis-server"
  local dir; dir="$(redis_dir)"; mkdir -p "$dir"
  # Carts live here: both profiles keep an append-only file, as production must, so a restart
  # (the fault drills restart the test one) loses no cart.
  "$REDIS_BIN" --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --appendonly yes --appendfsync everysec --save "" >/dev/null
}
redis_stop() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true; }
redis_pids() { cat "$(redis_dir)/redis.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------- Elasticsearch
es_dir() { echo "$STACK_DIR/elasticsearch"; }
elasticsearch_running() { pid_alive "$(es_dir)/es.pid"; }
elasticsearch_ready() {
  curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" | grep -q '"status"'
}
elasticsearch_start() {
  require "$ES_HOME/bin/elasticsearch"
  require "$JAVA17_HOME/bin/java" "apt-get install -y openjdk-17-jdk-headless"
  local dir; dir="$(es_dir)"
  if [ ! -f "$dir/config/elasticsearch.yml.local" ]; then
    mkdir -p "$dir"
    rm -rf "$dir/config" && cp -r "$ES_HOME/config" "$dir/config"
    # A loopback-only development node: security off, so no TLS or passwords to hand around.
    cat >"$dir/config/elasticsearch.yml" <<CONF
cluster.name: fulfillment-$PROFILE
node.name: local
path.data: $dir/data
path.logs: $dir/logs
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
xpack.security.enabled: false
xpack.security.enrollment.enabled: false
xpack.security.http.ssl.enabled: false
xpack.security.transport.ssl.enabled: false
CONF
    touch "$dir/config/elasticsearch.yml.local"
  fi
  ensure_service_dir "$dir"
  # Not -d: that blocks until the node is up, and the other services can start meanwhile.
  nohup "${SERVICE_USER_PREFIX[@]}" env ES_JAVA_HOME="$JAVA17_HOME" ES_PATH_CONF="$dir/config" \
    ES_JAVA_OPTS="-Xms512m -Xmx512m -XX:-HeapDumpOnOutOfMemoryError" \
    "$ES_HOME/bin/elasticsearch" -p "$dir/es.pid" >"$dir/start.log" 2>&1 &
}
elasticsearch_stop() { stop_pidfile "$(es_dir)/es.pid" 30; }
elasticsearch_pids() { cat "$(es_dir)/es.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------- stripe-mock
stripe_dir() { echo "$STACK_DIR/stripe-mock"; }
stripe-mock_running() { pid_alive "$(stripe_dir)/stripe-mock.pid"; }
stripe-mock_ready() { port_open "$STRIPE_PORT"; }
stripe-mock_start() {
  require "$STRIPE_MOCK_BIN"
  local dir; dir="$(stripe_dir)"; mkdir -p "$dir"
  nohup "$STRIPE_MOCK_BIN" -http-addr "127.0.0.1:$STRIPE_PORT" -https-addr "127.0.0.1:$((STRIPE_PORT + 1))" >"$dir/stripe-mock.log" 2>&1 &
  echo $! >"$dir/stripe-mock.pid"
}
stripe-mock_stop() { stop_pidfile "$(stripe_dir)/stripe-mock.pid" 5; }
stripe-mock_pids() { cat "$(stripe_dir)/stripe-mock.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------- Stripe sandbox
# Keeps PaymentIntents, captures and refunds, and sends signed webhooks (to the API in dev; the
# tests register their own endpoints). Its journal keeps what it knows across restarts.
sandbox_dir() { echo "$STACK_DIR/stripe-sandbox"; }
stripe-sandbox_running() { pid_alive "$(sandbox_dir)/stripe-sandbox.pid"; }
stripe-sandbox_ready() { curl -fsS -o /dev/null "http://127.0.0.1:$STRIPE_SANDBOX_PORT/_sandbox/health" 2>/dev/null; }
stripe-sandbox_start() {
  require "$ROOT_DIR/node_modules/.bin/tsx" "npm ci"
  local dir; dir="$(sandbox_dir)"; mkdir -p "$dir"
  local webhook=""
  [ "$PROFILE" = dev ] && webhook="http://127.0.0.1:$API_PORT/webhooks/stripe"
  # exec: the pid file names node itself, and no shell is left holding our caller's stdout.
  (cd "$ROOT_DIR" && exec env STRIPE_MOCK_URL="http://127.0.0.1:$STRIPE_PORT" STRIPE_SANDBOX_PORT="$STRIPE_SANDBOX_PORT" \
    STRIPE_SANDBOX_WEBHOOK_URL="$webhook" STRIPE_SANDBOX_JOURNAL="$dir/journal.jsonl" STRIPE_WEBHOOK_SECRET="$STRIPE_WEBHOOK_SECRET" \
    nohup node --import tsx sandboxes/stripe/main.ts >"$dir/stripe-sandbox.log" 2>&1) &
  echo $! >"$dir/stripe-sandbox.pid"
}
stripe-sandbox_stop() { stop_pidfile "$(sandbox_dir)/stripe-sandbox.pid" 5; }
stripe-sandbox_pids() { cat "$(sandbox_dir)/stripe-sandbox.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------- carrier sandbox
# Speaks EasyPost's v2 API: rates, labels, refunds, trackers that move once a scan form hands the
# parcels over (a step every minute in dev unless CARRIER_SANDBOX_STEP_MS says otherwise, 200 ms in
# test), signed webhooks to registered URLs.
carrier_dir() { echo "$STACK_DIR/carrier-sandbox"; }
carrier-sandbox_running() { pid_alive "$(carrier_dir)/carrier-sandbox.pid"; }
carrier-sandbox_ready() { curl -fsS -o /dev/null "http://127.0.0.1:$CARRIER_SANDBOX_PORT/_sandbox/health" 2>/dev/null; }
carrier-sandbox_start() {
  require "$ROOT_DIR/node_modules/.bin/tsx" "npm ci"
  local dir; dir="$(carrier_dir)"; mkdir -p "$dir"
  # CARRIER_SANDBOX_STEP_MS in the environment sets the dev clock (a fast one for demos).
  local step="${CARRIER_SANDBOX_STEP_MS:-60000}" webhook=""
  [ "$PROFILE" = test ] && step=200
  # In dev the API hears tracking as it would from EasyPost; tests register their own API.
  [ "$PROFILE" = dev ] && webhook="http://127.0.0.1:$API_PORT/webhooks/carrier"
  # exec: the pid file names node itself, and no shell is left holding our caller's stdout.
  (cd "$ROOT_DIR" && exec env CARRIER_SANDBOX_PORT="$CARRIER_SANDBOX_PORT" CARRIER_SANDBOX_JOURNAL="$dir/journal.jsonl" CARRIER_SANDBOX_WEBHOOK_URL="$webhook" \
    CARRIER_SANDBOX_STEP_MS="$step" CARRIER_WEBHOOK_SECRET="$CARRIER_WEBHOOK_SECRET" \
    nohup node --import tsx sandboxes/carrier/main.ts >"$dir/carrier-sandbox.log" 2>&1) &
  echo $! >"$dir/carrier-sandbox.pid"
}
carrier-sandbox_stop() { stop_pidfile "$(carrier_dir)/carrier-sandbox.pid" 5; }
carrier-sandbox_pids() { cat "$(carrier_dir)/carrier-sandbox.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------- Mailpit
# Accepts every message on SMTP and keeps it for its web UI and HTTP API (/api/v1/messages), which
# the tests read. It keeps messages in memory: a restart empties it.
mailpit_dir() { echo "$STACK_DIR/mailpit"; }
mailpit_running() { pid_alive "$(mailpit_dir)/mailpit.pid"; }
mailpit_ready() { curl -fsS -o /dev/null "http://127.0.0.1:$MAILPIT_UI_PORT/readyz" 2>/dev/null && port_open "$SMTP_PORT"; }
mailpit_start() {
  require "$MAILPIT_BIN"
  local dir; dir="$(mailpit_dir)"; mkdir -p "$dir"
  nohup "$MAILPIT_BIN" --smtp "127.0.0.1:$SMTP_PORT" --listen "127.0.0.1:$MAILPIT_UI_PORT" --disable-version-check \
    >"$dir/mailpit.log" 2>&1 &
  echo $! >"$dir/mailpit.pid"
}
mailpit_stop() { stop_pidfile "$(mailpit_dir)/mailpit.pid" 5; }
mailpit_pids() { cat "$(mailpit_dir)/mailpit.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------- Temporal
temporal_dir() { echo "$STACK_DIR/temporal"; }
temporal_running() { pid_alive "$(temporal_dir)/temporal.pid"; }
temporal_ready() { "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" | grep -q SERVING; }
temporal_start() {
  require "$TEMPORAL_BIN"
  local dir; dir="$(temporal_dir)"; mkdir -p "$dir"
  local ui=(--ui-port "$TEMPORAL_UI_PORT")
  [ "$PROFILE" = test ] && ui=(--headless)
  local config=() line
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] || config+=(--dynamic-config-value "$line")
  done <"$ROOT_DIR/scripts/lib/temporal-dev-server.conf"
  nohup "$TEMPORAL_BIN" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" "${ui[@]}" \
    --db-filename "$dir/temporal.sqlite" --namespace default --log-level warn --log-format json \
    "${config[@]}" >"$dir/temporal.log" 2>&1 &
  echo $! >"$dir/temporal.pid"
}
temporal_after_ready() {
  # One source of truth for search attributes: workflows/shared/search-attributes.ts.
  if [ -x "$ROOT_DIR/node_modules/.bin/tsx" ]; then
    (cd "$ROOT_DIR" && node_modules/.bin/tsx scripts/setup-temporal.ts) || die "Temporal setup (search attributes, schedules) failed"
  else
    log "  (node_modules missing: run npm ci, then scripts/stack.sh start again to register search attributes and schedules)"
  fi
}
temporal_stop() { stop_pidfile "$(temporal_dir)/temporal.pid" 10; }
temporal_pids() { cat "$(temporal_dir)/temporal.pid" 2>/dev/null || true; }

# ----------------------------------------------------------------
url_of() {
  case "$1" in
    postgres) echo "$DATABASE_URL" ;;
    redis) echo "$REDIS_URL" ;;
    elasticsearch) echo "$ELASTICSEARCH_URL" ;;
    stripe-mock) echo "http://127.0.0.1:$STRIPE_PORT  (behind the sandbox)" ;;
    stripe-sandbox) echo "$STRIPE_API_BASE  (control: /_sandbox)" ;;
    carrier-sandbox) echo "$CARRIER_API_BASE  (EasyPost v2; control: /_sandbox)" ;;
    mailpit) echo "$SMTP_URL  (messages: $MAILPIT_URL)" ;;
    temporal) echo "$TEMPORAL_ADDRESS$([ "$PROFILE" = dev ] && echo "  (Web UI http://127.0.0.1:$TEMPORAL_UI_PORT)")" ;;
  esac
}

rss_kb() { # sums the resident memory of a process and its children
  local pid="$1" total=0
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { echo 0; return; }
  for p in $pid $(pgrep -P "$pid" 2>/dev/null); do
    total=$(( total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}

cmd_start() {
  mkdir -p "$STACK_DIR"
  log "starting the $PROFILE stack in $STACK_DIR"
  local waiting=()
  for s in "${services[@]}"; do
    if is_external "$s"; then log "  $s: using $(url_of "$s") from the environment"; continue; fi
    if "${s}_running"; then log "  $s: already running, reused"; continue; fi
    log "  $s: starting"
    "${s}_start"
    waiting+=("$s")
  done
  for s in "${services[@]}"; do
    is_external "$s" && continue
    local t; case "$s" in postgres) t=30;; redis) t=10;; elasticsearch) t=180;; stripe-mock) t=15;; stripe-sandbox) t=30;; carrier-sandbox) t=30;; mailpit) t=15;; temporal) t=60;; esac
    wait_for "$s" "$t" "${s}_ready" || die "$s did not become ready in ${t}s; logs in $STACK_DIR/$s*"
    if declare -F "${s}_after_ready" >/dev/null; then "${s}_after_ready"; fi
  done
  cmd_status
}

cmd_stop() {
  # What runs from our own data folder is ours to stop, whatever URLs the environment names.
  for s in "${services[@]}"; do
    if "${s}_running"; then log "stopping $s"; "${s}_stop"; fi
  done
  log "the $PROFILE stack is stopped"
}

cmd_status() {
  local total=0
  printf '%-16s %-8s %-9s %s\n' SERVICE STATE RSS URL
  for s in "${services[@]}"; do
    if is_external "$s"; then printf '%-16s %-8s %-9s %s\n' "$s" external - "$(url_of "$s")"; continue; fi
    local state=stopped rss=0
    if "${s}_running"; then
      state=running; "${s}_ready" >/dev/null 2>&1 || state=starting
      rss=$(rss_kb "$("${s}_pids")"); total=$(( total + rss ))
    fi
    printf '%-16s %-8s %-9s %s\n' "$s" "$state" "$(( rss / 1024 ))MB" "$(url_of "$s")"
  done
  printf '%-16s %-8s %-9s\n' total "" "$(( total / 1024 ))MB"
}

# What runs from our own data folder is ours to restart, whatever URLs the environment names.
cmd_restart() {
  [[ " ${services[*]} temporal " == *" $target "* ]] || die "restart which service? one of: ${services[*]}"
  "${target}_running" || die "$target is not running from $STACK_DIR"
  log "restarting $target"
  "${target}_stop"
  local waited=0
  while "${target}_running" && [ "$waited" -lt 100 ]; do sleep 0.1; waited=$(( waited + 1 )); done
  [ "$down_for" = 0 ] || { log "$target stays down for ${down_for}s"; sleep "$down_for"; }
  "${target}_start"
  wait_for "$target" 60 "${target}_ready" || die "$target did not come back in 60s"
  log "$target is back"
}

cmd_env() {
  for v in NODE_ENV DATABASE_URL REDIS_URL ELASTICSEARCH_URL TEMPORAL_ADDRESS STRIPE_API_BASE STRIPE_API_KEY \
           STRIPE_WEBHOOK_SECRET CARRIER_API_BASE EASYPOST_API_KEY CARRIER_WEBHOOK_SECRET SMTP_URL MAILPIT_URL JWT_SECRET API_PORT \
           TEMPORAL_CLI_PATH SCHEMATHESIS_PATH TEMPORAL_TEST_SERVER_PATH CHROMIUM_PATH PROMTOOL_PATH; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
}

case "$command" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  restart) cmd_restart ;;
  *) die "unknown command '$command' (start, stop, status, env, restart)" ;;
esac
