# Shared by the stack scripts: versions, locations, ports per profile, and output helpers.
# shellcheck shell=bash

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

TEMPORAL_CLI_VERSION=1.5.1
STRIPE_MOCK_VERSION=0.197.0
ELASTICSEARCH_VERSION=8.19.21
POSTGRES_MAJOR=15
SCHEMATHESIS_VERSION=4.32.5
# Temporal's Java test server (time skipping), from Maven Central: the SDK would download its own build.
TEMPORAL_TEST_SERVER_VERSION=1.27.0
# The SMTP sink of both profiles (https://mailpit.axllent.org), built from the Go module proxy.
MAILPIT_VERSION=1.33.1
# promtool checks and unit-tests the alert rules (prometheus/); Prometheus v3.x is tagged v0.3xx as a Go module.
PROMTOOL_VERSION=0.316.0

# Built or downloaded once per machine, outside the repo, and shared by every clone. As root it
# must be readable by the service user, which a home folder under /root is not.
if [ "$(id -u)" -eq 0 ]; then default_cache=/var/cache/fulfillment; else default_cache="${XDG_CACHE_HOME:-$HOME/.cache}/fulfillment"; fi
CACHE_DIR="${FULFILLMENT_CACHE_DIR:-$default_cache}"
TEMPORAL_BIN="$CACHE_DIR/temporal-$TEMPORAL_CLI_VERSION/temporal"
STRIPE_MOCK_BIN="$CACHE_DIR/stripe-mock-$STRIPE_MOCK_VERSION/stripe-mock"
ES_HOME="$CACHE_DIR/elasticsearch-$ELASTICSEARCH_VERSION"
# A Python venv: schemathesis fuzzes the API from its OpenAPI document (test/fuzz/).
SCHEMATHESIS_HOME="$CACHE_DIR/schemathesis-$SCHEMATHESIS_VERSION"
SCHEMATHESIS_BIN="$SCHEMATHESIS_HOME/bin/st"
# The jar and its dependencies, and a wrapper the SDK starts as an existing-path test server.
TEMPORAL_TEST_SERVER_HOME="$CACHE_DIR/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION"
TEMPORAL_TEST_SERVER_BIN="$TEMPORAL_TEST_SERVER_HOME/temporal-test-server"
MAILPIT_BIN="$CACHE_DIR/mailpit-$MAILPIT_VERSION/mailpit"
PROMTOOL_BIN="$CACHE_DIR/promtool-$PROMTOOL_VERSION/promtool"
PG_BIN="/usr/lib/postgresql/$POSTGRES_MAJOR/bin"
REDIS_BIN="$(command -v redis-server || echo /usr/bin/redis-server)"
JAVA17_HOME="${ES_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"

# PostgreSQL and Elasticsearch refuse to run as root; when we are root they run as this user.
SERVICE_USER="${FULFILLMENT_SERVICE_USER:-fulfillment}"

is_root() { [ "$(id -u)" -eq 0 ]; }

_t0=$(date +%s%N)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
elapsed() { local ms=$(( ($(date +%s%N) - _t0) / 1000000 )); printf '%4d.%ds' $((ms / 1000)) $(((ms % 1000) / 100)); }
log() { printf '[%s] %s\n' "$(elapsed)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(elapsed)" "$*" >&2; exit 1; }

# An API_PORT set by the caller wins over the profile's (a second API beside the first).
_given_api_port="${API_PORT:-}"

# Profile: ports and data folder. dev and test never share a port or a folder.
set_profile() {
  PROFILE="$1"
  case "$PROFILE" in
    dev)  PG_PORT=54320; REDIS_PORT=63790; ES_PORT=19200; ES_TRANSPORT_PORT=19300
          TEMPORAL_PORT=7233; TEMPORAL_UI_PORT=8233; STRIPE_PORT=12111; STRIPE_SANDBOX_PORT=12113; CARRIER_SANDBOX_PORT=12115; SMTP_PORT=11025; MAILPIT_UI_PORT=18025; API_PORT=3000 ;;
    test) PG_PORT=54330; REDIS_PORT=63791; ES_PORT=19201; ES_TRANSPORT_PORT=19301
          TEMPORAL_PORT=7243; TEMPORAL_UI_PORT=8243; STRIPE_PORT=12121; STRIPE_SANDBOX_PORT=12123; CARRIER_SANDBOX_PORT=12125; SMTP_PORT=11035; MAILPIT_UI_PORT=18035; API_PORT=3010 ;;
    *) die "unknown profile '$PROFILE' (dev or test)" ;;
  esac
  [ -n "$_given_api_port" ] && API_PORT="$_given_api_port"
  STACK_DIR="$ROOT_DIR/.stack/$PROFILE"
  PG_DB=fulfillment
  PG_USER=app
}

# The environment the app reads (platform/config.ts). A URL already set is used as is.
export_profile_env() {
  export NODE_ENV="${NODE_ENV:-$([ "$PROFILE" = test ] && echo test || echo development)}"
  export DATABASE_URL="${DATABASE_URL:-postgres://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB}"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
  export ELASTICSEARCH_URL="${ELASTICSEARCH_URL:-http://127.0.0.1:$ES_PORT}"
  export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}"
  # The Stripe sandbox (sandboxes/stripe), which checks every request with stripe-mock behind it.
  export STRIPE_API_BASE="${STRIPE_API_BASE:-http://127.0.0.1:$STRIPE_SANDBOX_PORT}"
  # The sandbox accepts any well-formed test key; these are local-only placeholders, not secrets.
  export STRIPE_API_KEY="${STRIPE_API_KEY:-sk_test_localstack}"
  export STRIPE_WEBHOOK_SECRET="${STRIPE_WEBHOOK_SECRET:-whsec_local_stack}"
  # The carrier sandbox (sandboxes/carrier), which speaks EasyPost's v2 API. It takes any non-empty
  # key; these are local-only placeholders too (https://api.easypost.com and a real key go live).
  export CARRIER_API_BASE="${CARRIER_API_BASE:-http://127.0.0.1:$CARRIER_SANDBOX_PORT}"
  export EASYPOST_API_KEY="${EASYPOST_API_KEY:-EZTK_local_stack}"
  export CARRIER_WEBHOOK_SECRET="${CARRIER_WEBHOOK_SECRET:-carrier_local_stack}"
  # Mailpit: the sender delivers here; MAILPIT_URL is its web UI and HTTP API (tests read messages there).
  export SMTP_URL="${SMTP_URL:-smtp://127.0.0.1:$SMTP_PORT}"
  export MAILPIT_URL="${MAILPIT_URL:-http://127.0.0.1:$MAILPIT_UI_PORT}"
  export JWT_SECRET="${JWT_SECRET:-local-$PROFILE-signing-secret-not-for-production}"
  export API_PORT="${API_PORT}"
  export TEMPORAL_CLI_PATH="$TEMPORAL_BIN"
  # Debian's Chromium, which the console's browser tests drive through playwright-core.
  export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  export SCHEMATHESIS_PATH="$SCHEMATHESIS_BIN"
  export PROMTOOL_PATH="$PROMTOOL_BIN"
  export TEMPORAL_TEST_SERVER_PATH="$TEMPORAL_TEST_SERVER_BIN"
}


# Runs a command as the unprivileged service user when we are root, else as ourselves.
SERVICE_USER_PREFIX=()
if is_root; then SERVICE_USER_PREFIX=(runuser -u "$SERVICE_USER" --); fi
as_service_user() { "${SERVICE_USER_PREFIX[@]}" "$@"; }

ensure_service_dir() {
  mkdir -p "$1"
  if is_root; then chown -R "$SERVICE_USER" "$1"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until a check passes; prints a dot every few seconds so long waits show progress.
wait_for() {
  local what="$1" timeout="$2"; shift 2
  local start; start=$(now_ms)
  local deadline=$(( start + timeout * 1000 ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(now_ms)" -gt "$deadline" ]; then return 1; fi
    sleep 0.2
  done
  log "  $what ready in $(( $(now_ms) - start )) ms"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process in a pid file: SIGTERM, up to `grace` seconds to exit, then SIGKILL.
stop_pidfile() {
  local pidfile="$1" grace="${2:-10}" pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq $(( grace * 10 ))); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}
