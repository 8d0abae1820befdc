#!/usr/bin/env bash
# `npm test`: type-check, lint, build, unit + integration tests (vitest), then the Playwright e2e
# when tests/e2e has specs. Starts local Postgres and Redis first when they are not answering.
# Runs every step, prints a summary, and exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledgerline}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export DATABASE_URL REDIS_URL NEXT_TELEMETRY_DISABLED=1
mkdir -p .ledgerline

answers() { # url default-port
  node -e '
    const u = new URL(process.argv[1]);
    const s = require("net").connect({ host: u.hostname, port: Number(u.port || process.argv[2]) });
    s.setTimeout(2000, () => process.exit(1));
    s.on("connect", () => process.exit(0)).on("error", () => process.exit(1));
  ' "$1" "$2"
}

wait_for() { # name url port
  for _ in $(seq 1 30); do answers "$2" "$3" && return 0; sleep 1; done
  echo "$1 did not come up at $2" >&2
  return 1
}

if ! answers "$DATABASE_URL" 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "==> Starting Postgres"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    wait_for Postgres "$DATABASE_URL" 5432 || exit 1
  else
    echo "Postgres is not reachable at $DATABASE_URL and pg_ctlcluster is not available to start it." >&2
    exit 1
  fi
fi
if ! answers "$REDIS_URL" 6379; then
  if command -v redis-server >/dev/null; then
    echo "==> Starting Redis"
    redis_args=(--daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no)
    [ -d /var/lib/redis ] && redis_args+=(--dir /var/lib/redis)
    [ -d /var/log/redis ] && redis_args+=(--logfile /var/log/redis/ci.log)
    redis-server "${redis_args[@]}"
    wait_for Redis "$REDIS_URL" 6379 || exit 1
  else
    echo "Redis is not reachable at $REDIS_URL and redis-server is not installed." >&2
    exit 1
  fi
fi

failed=()
passed=()
run() { # name command...
  local name="$1"; shift
  printf '\n==> %s: %s\n' "$name" "$*"
  if "$@"; then passed+=("$name"); else failed+=("$name"); echo "==> $name FAILED" >&2; fi
}

run typecheck npx tsc --noEmit
run lint npx eslint .
# The client-example integration test and the e2e run against the production build.
run build npm run build
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
