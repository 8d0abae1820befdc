#!/usr/bin/env bash
# The first command on a fresh clone, and the one to run again: services, install, migrate, build
# (only when the sources changed since the last build), then the worker and the web tier, and only
# then, behind them, 90 days of demo history into an empty database, with its progress here and as a
# banner in the portal. Needs Node 20+. Brings up Postgres and Redis first when they do not answer
# (scripts/services.sh): starts installed ones, else docker compose, else apt-get on Debian/Ubuntu
# as root, else says what to install. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/services.sh
source scripts/services.sh
load_service_urls
PORT="${PORT:-3000}"
export PORT
mkdir -p .ledgerline

step() { printf '\n==> %s\n' "$*"; }

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "Ledgerline needs Node.js 20 or newer (found: $(node -v 2>/dev/null || echo none))." >&2
  exit 1
fi

step "Postgres and Redis"
bring_up_services

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing dependencies (npm ci)"
  npm ci
fi

step "Applying database migrations"
npm run db:migrate

# The build is out of date when a file it is made from is newer than its BUILD_ID. Sources only:
# docs, tests, scripts and the CLI do not go into it.
build_sources=(app components lib server db client proxy.ts next.config.js postcss.config.mjs tsconfig.json package.json package-lock.json)
build_is_current() {
  [ -f .next/BUILD_ID ] || return 1
  local newer
  newer="$(find "${build_sources[@]}" -newer .next/BUILD_ID -type f -print -quit 2>/dev/null)"
  [ -z "$newer" ]
}
if build_is_current; then
  step "The build is up to date (no source newer than .next/BUILD_ID)"
else
  step "Building the web tier"
  npm run build
fi

# Each background process gets its own process group (set -m while starting it), so that stopping
# reaches npm's children too: `npm run` does not pass a signal on to them.
pids=()
background() { set -m; "$@" & pids+=($!); set +m; }
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

# npm start refuses production without SESSION_SECRET: a local setup keeps one random secret of its own.
if [ -z "${SESSION_SECRET:-}" ]; then
  [ -s .ledgerline/session-secret ] || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >.ledgerline/session-secret
  SESSION_SECRET="$(cat .ledgerline/session-secret)"
  export SESSION_SECRET
fi

step "Starting one worker (log: .ledgerline/worker.log) and the web tier on port $PORT"
background npm run worker >.ledgerline/worker.log 2>&1
background npm start

# Wait until the web tier answers, then say where it is.
for _ in $(seq 1 120); do
  if node -e 'fetch(process.argv[1]).then(() => process.exit(0), () => process.exit(1))' "http://127.0.0.1:$PORT/api/health" 2>/dev/null; then
    break
  fi
  if ! kill -0 "${pids[1]}" 2>/dev/null; then echo "The web tier stopped; see the output above." >&2; exit 1; fi
  sleep 1
done

cat <<MSG

Ledgerline is running at http://localhost:$PORT
Sign in with ${ADMIN_EMAIL:-admin@ledgerline.local}: its password is ADMIN_PASSWORD if you set it, or the one
printed above at the first start ("Sign in at ... with password ...").
Another staff member: npm run cli -- staff create --email you@example.com --role admin
An API token:         npm run cli -- token create --role operator --name my-app
Worker log: .ledgerline/worker.log. Press Ctrl-C to stop everything.
MSG

# The demo history goes in behind the running portal: an empty event log only (--if-empty), in
# batches; the portal shows "Loading demo history: … %" meanwhile and its charts fill up as the
# worker projects. A failed load leaves the portal running.
step "Demo history: 90 days, loaded only into an empty event log (progress here and in the portal)"
background npm run -s cli -- demo load --days 90 --if-empty

# Stop everything as soon as the worker or the web tier ends (the demo load may end: it is done).
while kill -0 "${pids[0]}" 2>/dev/null && kill -0 "${pids[1]}" 2>/dev/null; do sleep 1; done
echo "A process stopped (worker log: .ledgerline/worker.log); stopping the rest." >&2
exit 1
