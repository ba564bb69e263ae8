# shellcheck shell=bash
# Helpers shared by the interoperability scripts in test/interop/.
#
# Source it, call `interop_init <name>`, then `start_server` (or point at a running
# server, see below), run checks with `pass`/`fail`/`check`/`expect_eq`, and end with
# `finish`. On exit the server is stopped, a PostgreSQL database made for the run is
# dropped, and the last line printed is always `N passed, N failed`.
#
# Settings (environment):
#   INTEROP_STORE         embedded (default) or postgres
#   INTEROP_DATABASE_URL  PostgreSQL to use with INTEROP_STORE=postgres (default
#                         $TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test);
#                         a fresh database partage_interop_<random> is created on that
#                         server for each run and dropped afterwards
#   INTEROP_LOG_DIR       where logs are kept (default: a new /tmp/partage-interop.* dir)
#   INTEROP_USER, INTEROP_PASSWORD   the test account (default litmus@example.test / secret123)
#   INTEROP_BASE_URL      use an already running server at this URL instead of starting
#                         one (the account INTEROP_USER must exist with INTEROP_PASSWORD)
#   PARTAGE_SERVER_CMD    how to start the server (default: node <repo>/packages/server/dist/cli.js serve)
#   INTEROP_SERVER_MAX_SECONDS  hard cap on a server's life (default 1800)

set -uo pipefail

INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INTEROP_DIR/../.." && pwd)"

INTEROP_PASSED=0
INTEROP_FAILED=0
INTEROP_SKIP_REASON=""
INTEROP_NAME=""
INTEROP_TMP=""
INTEROP_SERVER_PID=""
INTEROP_SERVER_LOG=""
INTEROP_CREATED_DB=""
INTEROP_PG_ADMIN_URL=""
INTEROP_CLEANUPS=()
INTEROP_SERVER_ENV=()
INTEROP_SERVER_CMD=""

# ---------------------------------------------------------------- reporting

pass() {
  INTEROP_PASSED=$((INTEROP_PASSED + 1))
  printf 'ok   %s\n' "$*"
}

fail() {
  INTEROP_FAILED=$((INTEROP_FAILED + 1))
  printf 'FAIL %s\n' "$*"
}

note() { printf '     %s\n' "$*"; }

# check "description" command args... : pass when the command succeeds
check() {
  local desc=$1
  shift
  if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# expect_eq "description" expected actual
expect_eq() {
  if [[ "$2" == "$3" ]]; then
    pass "$1"
  else
    fail "$1 (expected '$(printf '%s' "$2" | head -c 300 | tr '\n' ' ')', got '$(printf '%s' "$3" | head -c 300 | tr '\n' ' ')')"
  fi
}

# expect_match "description" regex actual
expect_match() {
  if [[ "$3" =~ $2 ]]; then
    pass "$1"
  else
    fail "$1 (expected to match /$2/, got '$(printf '%s' "$3" | head -c 400)')"
  fi
}

# Stop the script now: counts as one failure.
die() {
  fail "$*"
  exit 1
}

# Stop the script now without failing (the run cannot be done here).
skip_all() {
  INTEROP_SKIP_REASON="$*"
  exit 0
}

finish() {
  exit 0
}

on_exit() { INTEROP_CLEANUPS+=("$1"); }

_interop_on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  local i
  for ((i = ${#INTEROP_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${INTEROP_CLEANUPS[$i]}" || true
  done
  stop_server
  _drop_database
  if [[ -n "$INTEROP_TMP" && -d "$INTEROP_TMP" && -z "${INTEROP_KEEP_TMP:-}" ]]; then
    rm -rf "$INTEROP_TMP"
  fi
  if [[ -n "$INTEROP_SKIP_REASON" ]]; then
    printf 'SKIP: %s\n' "$INTEROP_SKIP_REASON"
  elif [[ $rc -ne 0 && $INTEROP_FAILED -eq 0 ]]; then
    # stopped by something other than a check: make it visible
    INTEROP_FAILED=1
    printf 'FAIL %s stopped unexpectedly (exit status %s)\n' "$INTEROP_NAME" "$rc"
  fi
  printf '%s passed, %s failed\n' "$INTEROP_PASSED" "$INTEROP_FAILED"
  if [[ $INTEROP_FAILED -gt 0 ]]; then exit 1; fi
  exit 0
}

# interop_init <name>: temp dir, log dir, traps.
interop_init() {
  INTEROP_NAME=$1
  INTEROP_STORE=${INTEROP_STORE:-embedded}
  INTEROP_USER=${INTEROP_USER:-litmus@example.test}
  INTEROP_PASSWORD=${INTEROP_PASSWORD:-secret123}
  if [[ -z "${INTEROP_LOG_DIR:-}" ]]; then
    INTEROP_LOG_DIR=$(mktemp -d /tmp/partage-interop.XXXXXX)
  fi
  mkdir -p "$INTEROP_LOG_DIR"
  export INTEROP_LOG_DIR
  INTEROP_TMP=$(mktemp -d "/tmp/partage-$INTEROP_NAME.XXXXXX")
  trap _interop_on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  echo "== $INTEROP_NAME (store: ${INTEROP_BASE_URL:+external server at }${INTEROP_BASE_URL:-$INTEROP_STORE}; logs: $INTEROP_LOG_DIR)"
}

# A log file name for this script and store.
log_file() { printf '%s/%s-%s-%s' "$INTEROP_LOG_DIR" "$INTEROP_NAME" "$INTEROP_STORE" "$1"; }

random_hex() { od -An -N"${1:-6}" -tx1 /dev/urandom | tr -d ' \n'; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null \
    || python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}

# ---------------------------------------------------------------- HTTP helpers

# curl with time bounds and the test account's credentials
dav_curl() {
  curl -sS --max-time "${CURL_MAX_TIME:-60}" --connect-timeout 5 -u "$INTEROP_USER:$INTEROP_PASSWORD" "$@"
}

# http_status [curl args...] : prints the status code only (000 on transport failure)
http_status() {
  local code
  code=$(dav_curl -o /dev/null -w '%{http_code}' "$@" 2>/dev/null) || true
  printf '%s' "${code:-000}"
}

# ---------------------------------------------------------------- PostgreSQL

_pg_base_url() {
  printf '%s' "${INTEROP_DATABASE_URL:-${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}"
}

# Replace the database name of a postgres:// URL (keeps a ?query).
_pg_url_with_db() {
  local url=$1 db=$2 query=""
  if [[ "$url" == *\?* ]]; then
    query="?${url#*\?}"
    url="${url%%\?*}"
  fi
  local rest=${url#*://}
  if [[ "$rest" == */* ]]; then
    url="${url%/*}"
  fi
  printf '%s/%s%s' "$url" "$db" "$query"
}

_create_database() {
  command -v psql >/dev/null || die "psql not found (install postgresql-client)"
  INTEROP_PG_ADMIN_URL=$(_pg_base_url)
  local db
  db="partage_interop_$(random_hex 6)"
  timeout 30 psql "$INTEROP_PG_ADMIN_URL" -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE $db" >/dev/null \
    || die "cannot create database $db on $INTEROP_PG_ADMIN_URL"
  INTEROP_CREATED_DB=$db
  DATABASE_URL=$(_pg_url_with_db "$INTEROP_PG_ADMIN_URL" "$db")
  export DATABASE_URL
  note "fresh PostgreSQL database: $db"
}

_drop_database() {
  [[ -n "$INTEROP_CREATED_DB" ]] || return 0
  timeout 30 psql "$INTEROP_PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS $INTEROP_CREATED_DB WITH (FORCE)" >/dev/null 2>&1 \
    || printf 'warning: could not drop database %s\n' "$INTEROP_CREATED_DB" >&2
  INTEROP_CREATED_DB=""
}

# ---------------------------------------------------------------- server

# start_server: starts a fresh server (or uses INTEROP_BASE_URL), waits for /healthz,
# creates the test account. Sets BASE_URL, DOCS_URL (ends with /), DOCS_PATH.
start_server() {
  if [[ -n "${INTEROP_BASE_URL:-}" ]]; then
    BASE_URL=${INTEROP_BASE_URL%/}
  else
    _start_local_server
  fi
  DOCS_PATH="/webdav/$INTEROP_USER/Documents/"
  DOCS_URL="$BASE_URL$DOCS_PATH"
  export BASE_URL DOCS_URL DOCS_PATH
  local code
  code=$(http_status -X PROPFIND -H 'Depth: 0' "$DOCS_URL")
  [[ "$code" == 207 ]] || die "PROPFIND Depth 0 on $DOCS_URL answered $code, not 207: the test folder is not usable"
}

_start_local_server() {
  local cli="$REPO_ROOT/packages/server/dist/cli.js"
  local cmd=${PARTAGE_SERVER_CMD:-}
  if [[ -z "$cmd" ]]; then
    [[ -f "$cli" ]] || die "server not built: $cli is missing (run npm ci or npm run build)"
    cmd="node $cli serve"
  fi
  local port
  port=$(free_port) || die "no free port"
  local datadir="$INTEROP_TMP/data"
  mkdir -p "$datadir"
  ADMIN_PASSWORD="admin-$(random_hex 8)"
  unset DATABASE_URL
  if [[ "$INTEROP_STORE" == postgres ]]; then
    _create_database
  elif [[ "$INTEROP_STORE" != embedded ]]; then
    die "unknown INTEROP_STORE '$INTEROP_STORE' (embedded or postgres)"
  fi
  INTEROP_SERVER_LOG=$(log_file server.log)
  BASE_URL="http://127.0.0.1:$port"
  INTEROP_SERVER_ENV=(PARTAGE_HOST=127.0.0.1 "PARTAGE_PORT=$port" "PARTAGE_DATA_DIR=$datadir"
    "PARTAGE_ADMIN_PASSWORD=$ADMIN_PASSWORD")
  INTEROP_SERVER_CMD=$cmd
  note "starting server on $BASE_URL (log: $INTEROP_SERVER_LOG)"
  _launch_server
  create_account "$INTEROP_USER" "$INTEROP_PASSWORD"
}

# Starts the server process and waits (60 s at most) for /healthz.
_launch_server() {
  # setsid: the server gets its own process group, so stop_server can end it and
  # anything it spawned, and nothing else.
  (
    cd "$INTEROP_TMP" || exit 1
    # shellcheck disable=SC2086
    exec env "${INTEROP_SERVER_ENV[@]}" setsid timeout -k 10 "${INTEROP_SERVER_MAX_SECONDS:-1800}" $INTEROP_SERVER_CMD
  ) >>"$INTEROP_SERVER_LOG" 2>&1 </dev/null &
  INTEROP_SERVER_PID=$!
  local started=$SECONDS
  until curl -fsS -o /dev/null --max-time 2 "$BASE_URL/healthz" 2>/dev/null; do
    if ! kill -0 "$INTEROP_SERVER_PID" 2>/dev/null; then
      wait "$INTEROP_SERVER_PID" 2>/dev/null
      local st=$?
      INTEROP_SERVER_PID=""
      _print_server_log
      die "server exited during start-up (status $st)"
    fi
    if ((SECONDS - started >= 60)); then
      _print_server_log
      die "server not healthy after 60 s ($BASE_URL/healthz)"
    fi
    sleep 0.3
  done
  note "server healthy after $((SECONDS - started)) s"
}

# create_account <email> <password>
create_account() {
  local out="$INTEROP_TMP/account.json" code
  code=$(curl -sS --max-time 30 -o "$out" -w '%{http_code}' -u "admin:$ADMIN_PASSWORD" \
    -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" "$BASE_URL/api/v1/accounts" 2>&1) || true
  if [[ "$code" == 404 || "$code" == 405 ]] && [[ -n "${INTEROP_SERVER_CMD:-}" && -z "${INTEROP_NO_CLI_FALLBACK:-}" ]]; then
    # The REST call is missing from this build: say so loudly, and create the account
    # with the CLI on the stopped store so the client checks can still run.
    echo "WARNING: POST /api/v1/accounts answered $code (REST API missing?); creating $1 with 'partage user add' instead"
    stop_server
    local cli_out
    cli_out=$(printf '%s\n' "$2" | env "${INTEROP_SERVER_ENV[@]}" ${DATABASE_URL:+DATABASE_URL=$DATABASE_URL} \
      timeout 60 node "$REPO_ROOT/packages/server/dist/cli.js" user add "$1" --password-stdin 2>&1) \
      || die "partage user add $1 failed: $cli_out"
    _launch_server
    return 0
  fi
  if [[ "$code" != 201 ]]; then
    note "response: $(head -c 500 "$out" 2>/dev/null)"
    die "creating account $1 answered ${code:-nothing}, not 201"
  fi
}

_print_server_log() {
  [[ -n "$INTEROP_SERVER_LOG" && -f "$INTEROP_SERVER_LOG" ]] || return 0
  echo "---- last lines of $INTEROP_SERVER_LOG"
  tail -n 30 "$INTEROP_SERVER_LOG"
  echo "----"
}

stop_server() {
  [[ -n "$INTEROP_SERVER_PID" ]] || return 0
  local pid=$INTEROP_SERVER_PID
  INTEROP_SERVER_PID=""
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "warning: server did not stop within 10 s of SIGTERM; killing it" >&2
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# server_log_excerpt: last lines of the server log, for a failure report
server_log_tail() { [[ -n "$INTEROP_SERVER_LOG" ]] && tail -n "${1:-20}" "$INTEROP_SERVER_LOG"; }
