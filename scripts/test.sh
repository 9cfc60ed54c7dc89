#!/usr/bin/env bash
# The whole test suite against its own isolated stack (profile "test": its own ports and data,
# never the dev stack). Installs what is missing, starts the stack, type-checks, lints, runs
# mocha, and stops the stack again. Extra arguments go to mocha (e.g. a spec file or --grep).
#   KEEP_STACK=1 scripts/test.sh   leaves the test stack running for a faster next run
#   scripts/test.sh test/fuzz/openapi-fuzz.test.ts   the schemathesis fuzz of the OpenAPI document alone
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT_DIR"

bash scripts/install.sh
set_profile test
own_db=1; [ -n "${DATABASE_URL:-}" ] && own_db=0
bash scripts/stack.sh start --profile test --no-temporal >&2
eval "$(bash scripts/stack.sh env --profile test)"
export ELASTICSEARCH_INDEX_PREFIX="${ELASTICSEARCH_INDEX_PREFIX:-test-}"
if [ "${KEEP_STACK:-0}" != 1 ]; then
  trap 'bash scripts/stack.sh stop --profile test >/dev/null 2>&1' EXIT
fi

# Every run starts from an empty database and empty indices, so no run depends on the last.
if [ "$own_db" -eq 1 ]; then
  "$PG_BIN/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" --if-exists --force "$PG_DB"
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
  # Deletes by name: Elasticsearch 8 refuses wildcard deletes (action.destructive_requires_name).
  for index in $(curl -fsS "$ELASTICSEARCH_URL/_cat/indices/${ELASTICSEARCH_INDEX_PREFIX}*?h=index"); do
    curl -fsS -o /dev/null -X DELETE "$ELASTICSEARCH_URL/$index"
  done
fi

log "type-check"
node_modules/.bin/tsc -p tsconfig.json --noEmit
log "lint"
node_modules/.bin/eslint --max-warnings 0 .
log "mocha"
if [ $# -eq 0 ]; then set -- 'test/**/*.test.ts'; fi
node_modules/.bin/mocha "$@"
