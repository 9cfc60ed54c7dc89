#!/usr/bin/env bash
# Installs everything the stack and the tests need, once per machine; a second run only checks.
#   Debian packages: PostgreSQL 15, Redis 7, unzip
#   Debian's Chromium: the real browser the console tests drive (playwright-core)
#   Temporal CLI, stripe-mock, Mailpit, promtool (all pinned): built with `go install` into the cache folder
#   Elasticsearch (pinned integ-test zip from Maven Central): unpacked into the cache folder
#   schemathesis (pinned): a Python venv in the cache folder, for the API fuzz run (test/fuzz/)
#   Temporal's Java test server (pinned, from Maven Central, runs on OpenJDK 17): the time-skipping
#   server of the workflow tests, with a wrapper the SDK starts as an existing-path executable
#   npm packages: `npm ci`
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

need_apt=()
[ -x "$PG_BIN/postgres" ] || need_apt+=("postgresql-$POSTGRES_MAJOR")
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v curl >/dev/null || need_apt+=(curl)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
# Only to validate docker-compose.yml in the tests; no engine runs here.
{ docker compose version || docker-compose version; } >/dev/null 2>&1 || need_apt+=(docker-compose)
if [ ${#need_apt[@]} -gt 0 ]; then
  is_root || die "missing Debian packages; install them with: sudo apt-get update && sudo apt-get install -y ${need_apt[*]}"
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The Debian package starts a system cluster we do not use.
  (service postgresql stop >/dev/null 2>&1 || true)
  log "apt packages installed"
else
  log "apt packages: present"
fi

if is_root && ! id "$SERVICE_USER" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
  log "created service user $SERVICE_USER (PostgreSQL and Elasticsearch refuse to run as root)"
fi

# True once the process has exited (within `seconds`), false while it still runs.
wait_quietly() {
  local pid="$1" seconds="$2"
  for _ in $(seq $(( seconds * 10 ))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

go_build() { # name module version target
  local name="$1" module="$2" version="$3" target="$4"
  if [ -x "$target" ]; then log "$name $version: cached at $target"; return; fi
  command -v go >/dev/null || die "Go is needed to build $name: install Go 1.22+ (Debian: apt-get install golang)"
  log "$name $version: building with go install (first time only, a few minutes)"
  local start; start=$(now_ms)
  GOBIN="$(dirname "$target").partial" GOFLAGS=-mod=mod go install "$module@v$version" > >(sed 's/^/    /' >&2) 2>&1 &
  local build=$!
  # Compiling prints nothing for minutes; say it is still going.
  while ! wait_quietly "$build" 20; do log "$name $version: still building ($(( ($(now_ms) - start) / 1000 )) s)"; done
  wait "$build" || die "go install $module@v$version failed"
  rm -rf "$(dirname "$target")" && mv "$(dirname "$target").partial" "$(dirname "$target")"
  log "$name $version: built in $(( ($(now_ms) - start) / 1000 )) s"
}

mkdir -p "$CACHE_DIR"
go_build "Temporal CLI" github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION" "$TEMPORAL_BIN" &
temporal_job=$!
go_build stripe-mock github.com/stripe/stripe-mock "$STRIPE_MOCK_VERSION" "$STRIPE_MOCK_BIN" &
stripe_job=$!
go_build Mailpit github.com/axllent/mailpit "$MAILPIT_VERSION" "$MAILPIT_BIN" &
mailpit_job=$!
go_build promtool github.com/prometheus/prometheus/cmd/promtool "$PROMTOOL_VERSION" "$PROMTOOL_BIN" &
promtool_job=$!

if [ -x "$ES_HOME/bin/elasticsearch" ]; then
  log "Elasticsearch $ELASTICSEARCH_VERSION: cached at $ES_HOME"
else
  command -v mvn >/dev/null || die "Maven is needed to fetch Elasticsearch: apt-get install -y maven"
  [ -x "$JAVA17_HOME/bin/java" ] || die "Elasticsearch runs on OpenJDK 17: apt-get install -y openjdk-17-jdk-headless"
  artifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTICSEARCH_VERSION:zip"
  log "Elasticsearch $ELASTICSEARCH_VERSION: fetching $artifact from Maven Central (~100 MB)"
  mvn -B -ntp dependency:copy -Dartifact="$artifact" -DoutputDirectory="$CACHE_DIR/downloads" -Dmdep.stripVersion=false \
    -Dmdep.overWriteReleases=false 2>&1 | grep -E 'ERROR|BUILD|Copying' | sed 's/^/    /' >&2 || true
  zip="$CACHE_DIR/downloads/elasticsearch-$ELASTICSEARCH_VERSION.zip"
  [ -f "$zip" ] || die "could not fetch $artifact (see Maven output above)"
  rm -rf "$ES_HOME.partial" && mkdir -p "$ES_HOME.partial"
  unzip -q "$zip" -d "$ES_HOME.partial"
  mv "$ES_HOME.partial/elasticsearch-$ELASTICSEARCH_VERSION" "$ES_HOME" && rm -rf "$ES_HOME.partial"
  log "Elasticsearch $ELASTICSEARCH_VERSION: unpacked to $ES_HOME"
fi

if [ -f "$SCHEMATHESIS_HOME/.installed" ]; then
  log "schemathesis $SCHEMATHESIS_VERSION: cached at $SCHEMATHESIS_HOME"
else
  # A venv is not relocatable (its scripts name their interpreter by path), so it is built in
  # place and marked complete only at the end; a broken half is rebuilt.
  log "schemathesis $SCHEMATHESIS_VERSION: pip install into a venv at $SCHEMATHESIS_HOME"
  rm -rf "$SCHEMATHESIS_HOME"
  python3 -m venv "$SCHEMATHESIS_HOME"
  "$SCHEMATHESIS_HOME/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" 2>&1 | sed 's/^/    /' >&2
  "$SCHEMATHESIS_BIN" --version >/dev/null || die "schemathesis $SCHEMATHESIS_VERSION did not install"
  touch "$SCHEMATHESIS_HOME/.installed"
  log "schemathesis $SCHEMATHESIS_VERSION: installed"
fi

if [ -x "$TEMPORAL_TEST_SERVER_BIN" ]; then
  log "Temporal test server $TEMPORAL_TEST_SERVER_VERSION: cached at $TEMPORAL_TEST_SERVER_HOME"
else
  # The SDK's createTimeSkipping() downloads a native build from temporal.download; this is the
  # same server (io.temporal.testserver.TestServer) as a jar with its dependencies.
  command -v mvn >/dev/null || die "Maven is needed to fetch the Temporal test server: apt-get install -y maven"
  [ -x "$JAVA17_HOME/bin/java" ] || die "the Temporal test server runs on OpenJDK 17: apt-get install -y openjdk-17-jdk-headless"
  log "Temporal test server $TEMPORAL_TEST_SERVER_VERSION: fetching io.temporal:temporal-test-server and its dependencies from Maven Central"
  partial="$TEMPORAL_TEST_SERVER_HOME.partial"
  rm -rf "$partial" && mkdir -p "$partial/lib"
  cat > "$partial/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>temporal-test-server-deps</artifactId><version>1</version>
  <dependencies><dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>$TEMPORAL_TEST_SERVER_VERSION</version></dependency></dependencies>
</project>
POM
  mvn -B -ntp -f "$partial/pom.xml" dependency:copy-dependencies -DoutputDirectory="$partial/lib" 2>&1 | grep -E 'ERROR|BUILD' | sed 's/^/    /' >&2 || true
  [ -f "$partial/lib/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION.jar" ] || die "could not fetch the Temporal test server (see Maven output above)"
  rm "$partial/pom.xml"
  # The SDK runs it as `<path> <port>`; the jars are found next to the wrapper wherever the cache is.
  {
    echo '#!/usr/bin/env bash'
    echo 'here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"'
    printf 'exec %q -cp "$here/lib/*" io.temporal.testserver.TestServer "$@"\n' "$JAVA17_HOME/bin/java"
  } > "$partial/temporal-test-server"
  chmod +x "$partial/temporal-test-server"
  rm -rf "$TEMPORAL_TEST_SERVER_HOME" && mv "$partial" "$TEMPORAL_TEST_SERVER_HOME"
  log "Temporal test server $TEMPORAL_TEST_SERVER_VERSION: installed at $TEMPORAL_TEST_SERVER_HOME"
fi

wait "$temporal_job" || die "Temporal CLI build failed"
wait "$stripe_job" || die "stripe-mock build failed"
wait "$mailpit_job" || die "Mailpit build failed"
wait "$promtool_job" || die "promtool build failed"

if [ -L "$ROOT_DIR/node_modules" ]; then
  # A worktree sharing another checkout's packages: npm ci would empty that checkout's folder.
  log "node_modules links to $(readlink "$ROOT_DIR/node_modules"); npm ci skipped"
elif [ "$ROOT_DIR/package-lock.json" -nt "$ROOT_DIR/node_modules/.package-lock.json" ]; then
  log "npm ci"
  (cd "$ROOT_DIR" && npm ci --no-fund --no-audit --loglevel=error 2>&1 | grep -v 'nodedir' | sed 's/^/    /' >&2)
  log "npm packages installed"
else
  log "npm packages: up to date"
fi
