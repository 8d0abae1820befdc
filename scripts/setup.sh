#!/usr/bin/env bash
# The first command on a fresh clone: install, migrate, build, then run one worker and the web tier.
# Needs Node 20+. Brings up Postgres and Redis first when they do not answer (scripts/services.sh):
# starts installed ones, else docker compose, else apt-get on Debian/Ubuntu as root, else says what to install.
# Ctrl-C stops both processes.
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

step "Building the web tier"
npm run build

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

step "Starting one worker (log: .ledgerline/worker.log)"
background npm run worker >.ledgerline/worker.log 2>&1

events="$(npx tsx scripts/count-events.ts)"
if [ "$events" = "0" ]; then
  if npm run -s cli -- help 2>/dev/null | grep -q 'demo'; then
    step "Empty database: loading 90 days of demo data"
    npm run cli -- demo load --days 90
  else
    echo "The database has no events yet (no demo loader in this version)."
  fi
fi

# npm start refuses production without SESSION_SECRET: a local setup keeps one random secret of its own.
if [ -z "${SESSION_SECRET:-}" ]; then
  [ -s .ledgerline/session-secret ] || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >.ledgerline/session-secret
  SESSION_SECRET="$(cat .ledgerline/session-secret)"
  export SESSION_SECRET
fi

step "Starting the web tier on port $PORT"
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
Worker log: .ledgerline/worker.log. Press Ctrl-C to stop both.
MSG

# Stop everything as soon as either process ends.
while kill -0 "${pids[0]}" 2>/dev/null && kill -0 "${pids[1]}" 2>/dev/null; do sleep 1; done
echo "A process stopped (worker log: .ledgerline/worker.log); stopping the other." >&2
exit 1
