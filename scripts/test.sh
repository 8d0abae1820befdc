#!/usr/bin/env bash
# `npm test`: type-check, lint, format check (Prettier), build, unit + integration tests (vitest), then the Playwright e2e
# when tests/e2e has specs. First brings up Postgres and Redis when they do not answer
# (scripts/services.sh: start, docker compose, apt-get, or say what to install).
# Runs every step, prints a summary, and exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/services.sh
source scripts/services.sh
load_service_urls
export NEXT_TELEMETRY_DISABLED=1
mkdir -p .ledgerline

bring_up_services || exit 1

failed=()
passed=()
run() { # name command...
  local name="$1"; shift
  printf '\n==> %s: %s\n' "$name" "$*"
  if "$@"; then passed+=("$name"); else failed+=("$name"); echo "==> $name FAILED" >&2; fi
}

run typecheck npx tsc --noEmit
run lint npx eslint .
run format npx prettier --check .
# The client-example integration test and the e2e run against the production build; the
# client-example test also installs the packed dist/client outside the repository.
run build npm run build
run build-client npm run build:client
run vitest npx vitest run
if [ -d tests/e2e ] && find tests/e2e -name '*.spec.ts' -not -path '*/node_modules/*' | grep -q .; then
  run e2e npx playwright test
else
  echo "==> e2e: no spec files in tests/e2e, skipped"
fi

printf '\n==> Summary: passed: %s\n' "${passed[*]:-none}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "==> FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "==> All steps passed"
