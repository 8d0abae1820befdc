#!/usr/bin/env bash
# Brings up the Postgres and Redis that DATABASE_URL and REDIS_URL point at, for `npm run setup`
# and `npm test`. For each one that does not answer, in this order:
#   1. start it when it is installed here but stopped (a Debian cluster on that port, $PGDATA,
#      or redis-server);
#   2. where a Docker engine runs (`docker info` succeeds), `docker compose up -d db redis`;
#   3. on Debian or Ubuntu as root, `apt-get install postgresql redis-server`, then start them;
#   4. otherwise print exactly what to install, and fail.
# A service that already answers is never touched. Only local URLs (localhost, 127.0.0.1, ::1)
# are started; a remote one that does not answer is reported.
#
# Sourced by scripts/setup.sh and scripts/test.sh (then call `bring_up_services`), or run on its
# own: `bash scripts/services.sh`. Credentials chosen by steps 2 and 3 are written to
# $LL_SERVICES_ENV (default .ledgerline/services.env), which setup and test read on later runs.
#
# Seams for the test (tests/integration/services-bringup.test.ts), all optional:
#   LL_DOCKER       the docker command (default: docker)
#   LL_REDIS_SERVER the redis-server binary (default: found on PATH)
#   LL_INSTALL_CMD  replaces `apt-get install -y` (it gets the package names as arguments)
#   LL_OS_RELEASE   the os-release file (default /etc/os-release)
#   LL_UID          the user id to act as (default: id -u)
#   LL_WAIT_SECONDS how long to wait for a started service (default 30)

svc_say() { printf '==> %s\n' "$*"; }
svc_warn() { printf '==> %s\n' "$*" >&2; }

# Prints "host port" of a URL (IPv6 brackets removed).
svc_endpoint() { # url default-port
  node -e '
    const u = new URL(process.argv[1]);
    console.log(u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", u.port || process.argv[2]);
  ' "$1" "$2"
}

svc_answers() { # host port
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

svc_wait() { # name host port
  local i
  for ((i = 0; i < ${LL_WAIT_SECONDS:-30}; i++)); do
    svc_answers "$2" "$3" && return 0
    sleep 1
  done
  svc_warn "$1 did not answer on $2:$3 within ${LL_WAIT_SECONDS:-30} s."
  return 1
}

svc_is_local() { case "$1" in localhost | 127.0.0.1 | ::1) return 0 ;; *) return 1 ;; esac; }

# --- step 1: start what is installed but stopped -------------------------------------------------

# A Debian cluster (postgresql-common) configured for this port, or $PGDATA (other systems).
svc_start_installed_postgres() { # port
  local port="$1" ver name cport status
  if command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r ver name cport status _; do
      [ "$cport" = "$port" ] || continue
      [ "$status" = "online" ] && continue
      svc_say "Postgres: starting the installed cluster $ver/$name on port $port (pg_ctlcluster)"
      # As root, pg_ctlcluster switches to the cluster's owner itself: Postgres refuses root.
      pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start && return 0
      svc_warn "Postgres: pg_ctlcluster $ver $name start failed."
      return 1
    done < <(pg_lsclusters --no-header 2>/dev/null)
  fi
  if [ -n "${PGDATA:-}" ] && [ -f "$PGDATA/PG_VERSION" ] && command -v pg_ctl >/dev/null 2>&1; then
    svc_say "Postgres: starting the installed data directory \$PGDATA on port $port (pg_ctl)"
    local owner
    owner="$(stat -c %U "$PGDATA")"
    if [ "${LL_UID:-$(id -u)}" = 0 ]; then
      runuser -u "$owner" -- pg_ctl -D "$PGDATA" -o "-p $port" -l "$PGDATA/ledgerline-start.log" -w start && return 0
    else
      pg_ctl -D "$PGDATA" -o "-p $port" -l "$PGDATA/ledgerline-start.log" -w start && return 0
    fi
    return 1
  fi
  return 1
}

svc_redis_server() { # prints the redis-server binary, if installed
  if [ -n "${LL_REDIS_SERVER:-}" ]; then
    [ -x "$LL_REDIS_SERVER" ] && echo "$LL_REDIS_SERVER"
    return 0
  fi
  command -v redis-server 2>/dev/null || true
}

svc_start_installed_redis() { # port
  local port="$1" bin
  bin="$(svc_redis_server)"
  [ -n "$bin" ] || return 1
  svc_say "Redis: starting the installed $bin on port $port"
  local args=(--daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no)
  [ -d /var/lib/redis ] && [ -w /var/lib/redis ] && args+=(--dir /var/lib/redis)
  "$bin" "${args[@]}"
}

# --- step 2: Docker ---------------------------------------------------------------------------

svc_docker_engine() { "${LL_DOCKER:-docker}" info >/dev/null 2>&1; }

svc_docker_up() { # compose-services...
  svc_say "Docker: docker compose up -d $* (published on this machine's ports, see docker-compose.services.yml)"
  # The app's own variables are interpolated by compose even for db and redis; they are unused here.
  SESSION_SECRET="${SESSION_SECRET:-unused-by-db-and-redis}" ADMIN_PASSWORD="${ADMIN_PASSWORD:-unused-by-db-and-redis}" \
    "${LL_DOCKER:-docker}" compose -f docker-compose.yml -f docker-compose.services.yml up -d "$@"
}

# --- step 3: Debian or Ubuntu packages --------------------------------------------------------

svc_debian_root() {
  [ "${LL_UID:-$(id -u)}" = 0 ] || return 1
  local release="${LL_OS_RELEASE:-/etc/os-release}"
  [ -r "$release" ] || return 1
  grep -Eq '^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b' "$release"
}

svc_install() { # packages...
  svc_say "Installing $* from the system's packages (apt-get)"
  if [ -n "${LL_INSTALL_CMD:-}" ]; then
    $LL_INSTALL_CMD "$@"
  else
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  fi
}

# Debian's Postgres asks for a password over TCP: give the postgres role one, and remember the URL.
svc_set_postgres_password() { # port
  runuser -u postgres -- psql -q -p "$1" -c "ALTER USER postgres PASSWORD 'ledgerline'" &&
    svc_remember DATABASE_URL "postgres://postgres:ledgerline@127.0.0.1:$1/ledgerline"
}

svc_remember() { # name value
  local file="${LL_SERVICES_ENV:-.ledgerline/services.env}"
  mkdir -p "$(dirname "$file")"
  touch "$file"
  grep -v "^$1=" "$file" >"$file.tmp" || true
  printf '%s=%s\n' "$1" "$2" >>"$file.tmp"
  mv "$file.tmp" "$file"
  export "$1=$2"
  svc_say "Saved $1 in $file (read by npm run setup and npm test)"
}

# --- the whole sequence ------------------------------------------------------------------------

bring_up_services() {
  local pg_host pg_port redis_host redis_port missing=()
  read -r pg_host pg_port < <(svc_endpoint "$DATABASE_URL" 5432)
  read -r redis_host redis_port < <(svc_endpoint "$REDIS_URL" 6379)

  if svc_answers "$pg_host" "$pg_port"; then
    svc_say "Postgres answers on $pg_host:$pg_port: leaving it as it is"
  elif ! svc_is_local "$pg_host"; then
    svc_warn "Postgres does not answer on $pg_host:$pg_port, which is not this machine: start it there, or set DATABASE_URL."
    return 1
  elif svc_start_installed_postgres "$pg_port" && svc_wait Postgres "$pg_host" "$pg_port"; then
    svc_say "Postgres: started, answers on $pg_host:$pg_port"
  else
    missing+=(postgres)
  fi

  if svc_answers "$redis_host" "$redis_port"; then
    svc_say "Redis answers on $redis_host:$redis_port: leaving it as it is"
  elif ! svc_is_local "$redis_host"; then
    svc_warn "Redis does not answer on $redis_host:$redis_port, which is not this machine: start it there, or set REDIS_URL."
    return 1
  elif svc_start_installed_redis "$redis_port" && svc_wait Redis "$redis_host" "$redis_port"; then
    svc_say "Redis: started, answers on $redis_host:$redis_port"
  else
    missing+=(redis)
  fi

  [ ${#missing[@]} -eq 0 ] && return 0
  svc_say "Not installed here: ${missing[*]}"

  if svc_docker_engine; then
    local compose=()
    for m in "${missing[@]}"; do [ "$m" = postgres ] && compose+=(db) || compose+=(redis); done
    if LL_DB_PORT="$pg_port" LL_REDIS_PORT="$redis_port" svc_docker_up "${compose[@]}"; then
      local ok=1
      for m in "${missing[@]}"; do
        if [ "$m" = postgres ]; then
          svc_wait Postgres "$pg_host" "$pg_port" || ok=0
          svc_remember DATABASE_URL "postgres://postgres:ledgerline@127.0.0.1:$pg_port/ledgerline"
        else
          svc_wait Redis "$redis_host" "$redis_port" || ok=0
        fi
      done
      [ $ok = 1 ] && { svc_say "Docker: ${missing[*]} answer"; return 0; }
    fi
    svc_warn "Docker: could not bring up ${missing[*]}; trying the next way."
  else
    svc_say "Docker: no engine answers (docker info failed or docker is absent): skipped"
  fi

  if svc_debian_root; then
    local pkgs=()
    for m in "${missing[@]}"; do [ "$m" = postgres ] && pkgs+=(postgresql) || pkgs+=(redis-server); done
    if svc_install "${pkgs[@]}"; then
      local still=()
      for m in "${missing[@]}"; do
        if [ "$m" = postgres ]; then
          if svc_start_installed_postgres "$pg_port" || svc_answers "$pg_host" "$pg_port"; then
            svc_wait Postgres "$pg_host" "$pg_port" && svc_set_postgres_password "$pg_port" && continue
          fi
        else
          if svc_answers "$redis_host" "$redis_port" || svc_start_installed_redis "$redis_port"; then
            svc_wait Redis "$redis_host" "$redis_port" && continue
          fi
        fi
        still+=("$m")
      done
      missing=("${still[@]}")
      [ ${#missing[@]} -eq 0 ] && { svc_say "Installed and started: ${pkgs[*]}"; return 0; }
      svc_warn "After installing, still not answering: ${missing[*]}"
    else
      svc_warn "apt-get install ${pkgs[*]} failed."
    fi
  else
    svc_say "Not Debian or Ubuntu as root: no system packages installed"
  fi

  svc_warn "Please install and start, then run this again:"
  for m in "${missing[@]}"; do
    if [ "$m" = postgres ]; then
      svc_warn "  PostgreSQL 15 or newer, listening on $pg_host:$pg_port (or set DATABASE_URL):"
      svc_warn "    Debian/Ubuntu: sudo apt-get install postgresql    macOS: brew install postgresql@15 && brew services start postgresql@15"
    else
      svc_warn "  Redis 7, listening on $redis_host:$redis_port (or set REDIS_URL):"
      svc_warn "    Debian/Ubuntu: sudo apt-get install redis-server  macOS: brew install redis && brew services start redis"
    fi
  done
  svc_warn "  or Docker (https://docs.docker.com/engine/install/), then: docker compose -f docker-compose.yml -f docker-compose.services.yml up -d db redis"
  return 1
}

# Reads the URLs that an earlier run saved, unless the caller set them.
load_service_urls() {
  local file="${LL_SERVICES_ENV:-.ledgerline/services.env}" line
  if [ -f "$file" ]; then
    while IFS= read -r line; do
      case "$line" in
        DATABASE_URL=*) [ -n "${DATABASE_URL:-}" ] || export DATABASE_URL="${line#DATABASE_URL=}" ;;
        REDIS_URL=*) [ -n "${REDIS_URL:-}" ] || export REDIS_URL="${line#REDIS_URL=}" ;;
      esac
    done <"$file"
  fi
  export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ledgerline}"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  cd "$(dirname "$0")/.."
  load_service_urls
  bring_up_services
fi
