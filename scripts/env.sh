#!/usr/bin/env bash
# Runs a command with a stack profile's environment (URLs, local secrets); variables already set win.
#   scripts/env.sh [--profile dev|test] <command> [args...]
set -euo pipefail
profile=dev
if [ "${1:-}" = --profile ]; then profile="$2"; shift 2; fi
eval "$(bash "$(dirname "$0")/stack.sh" env --profile "$profile")"
exec "$@"
