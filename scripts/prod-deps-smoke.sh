#!/usr/bin/env bash
# Does the production install run? The Docker image ships `npm ci --omit=dev`, so a package the
# gateway imports at run time but lists under devDependencies is missing there, and only there.
# This copies the built dist/src (as the image does, with migrations/ and neo4j/schema/), installs
# it the same way in a scratch folder, starts it as a real process with NODE_ENV=production on a
# scratch PostgreSQL database, the machine's Redis and a Neo4j of its own, creates an API key
# with the CLI, and sends one query over HTTP and one subscription over graphql-ws
# (scripts/prod-deps-smoke.mjs). Everything it started or created is removed on every exit path.
#
# Needs: a build (`npm ci` / `npm run build`), the neo4j launcher (`npm run neo4j:build`),
# PostgreSQL with pgvector on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, as .ci/run sets up.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

# The project's own Node 24 (the `node` devDependency), as the image's node:24 base has; the
# system Node may be older. It runs the production install, whose node_modules it resolves.
node_bin="$repo/node_modules/.bin/node"
if [[ "$("$node_bin" --version)" != v24.* ]]; then
  echo "prod-deps-smoke: $node_bin is not Node 24" >&2
  exit 1
fi
if [[ ! -f dist/src/main.js ]]; then
  echo "prod-deps-smoke: no build in dist/src (run npm run build)" >&2
  exit 1
fi

pg_host=127.0.0.1
pg_admin=(psql -q -v ON_ERROR_STOP=1 -h "$pg_host" -U postgres -d postgres)
redis_url=redis://127.0.0.1:6379
work=$(mktemp -d "${TMPDIR:-/tmp}/c360-prod-smoke.XXXXXX")
database="c360_prod_smoke_$$"
database_url="postgresql://postgres@$pg_host:5432/$database"
neo4j_pid=""
gateway_pid=""
foreground_pid=""
database_created=""
found=""

# Stops a process of ours: SIGTERM (the gateway and the launcher drain, then exit), SIGKILL if
# it is still there after $2 seconds (default 30).
stop_process() {
  local pid=$1 grace=${2:-30}
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((grace * 4))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT
  set +e
  # npm takes its time over SIGTERM, and its folder goes anyway.
  [[ -n $foreground_pid ]] && stop_process "$foreground_pid" 2
  [[ -n $gateway_pid ]] && stop_process "$gateway_pid"
  if [[ -n $neo4j_pid ]]; then
    # The launcher runs the JVM in a process group of its own and stops it on SIGTERM, but only
    # once Neo4j is ready; stopped sooner, it would leave the JVM behind.
    local jvm_pids
    jvm_pids=$(pgrep -P "$neo4j_pid")
    stop_process "$neo4j_pid"
    for pid in $jvm_pids; do
      stop_process "$pid"
    done
  fi
  if [[ -n $database_created ]]; then
    "${pg_admin[@]}" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
  fi
  if ((status != 0)); then
    for log in "$work"/*.log; do
      [[ -f $log ]] || continue
      printf '\n--- %s (last 40 lines)\n' "${log##*/}" >&2
      tail -n 40 "$log" >&2
    done
    printf '\nprod-deps-smoke: FAILED (exit %s)\n' "$status" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The environment a process of the smoke gets: nothing from the caller's shell (no NODE_PATH,
# no NODE_ENV), only what the production stack sets.
run_env=(env -i "PATH=$PATH" "HOME=${HOME:-$work}")

# Bash runs a trap only once the foreground command has ended; a long step runs as a child
# that `wait` (which a signal interrupts) waits for, and that cleanup stops.
run() {
  "$@" &
  foreground_pid=$!
  wait "$foreground_pid"
  foreground_pid=""
}

# Sets $found to the first match of the sed -E capture $4 in file $1 once it appears, while
# pid $2 lives; fails after $3 seconds.
await_line() {
  local file=$1 pid=$2 seconds=$3 pattern=$4
  for _ in $(seq 1 $((seconds * 4))); do
    found=$(sed -nE "s#$pattern#\\1#p" "$file" 2>/dev/null | head -n 1)
    if [[ -n $found ]]; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "prod-deps-smoke: ${file##*/}: the process ended before it was ready" >&2
      return 1
    fi
    sleep 0.25
  done
  echo "prod-deps-smoke: ${file##*/}: not ready within $seconds s" >&2
  return 1
}

free_port() {
  "$node_bin" -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Neo4j starts first (the JVM takes the longest) and warms up while npm installs.
"${run_env[@]}" C360_DATA_DIR="$work/neo4j-data" NEO4J_EMBEDDED_BOLT_PORT="$(free_port)" \
  NEO4J_EMBEDDED_HEAP=512m NEO4J_EMBEDDED_PAGECACHE=64m LOG_LEVEL=warn \
  "$node_bin" dist/src/cli/c360.js neo4j start >"$work/neo4j.log" 2>&1 &
neo4j_pid=$!

echo "prod-deps-smoke: production install in $work/app"
mkdir -p "$work/app/dist" "$work/app/neo4j"
cp -R dist/src "$work/app/dist/src"
cp -R migrations "$work/app/migrations"
cp -R neo4j/schema "$work/app/neo4j/schema"
cp package.json package-lock.json "$work/app/"
cp scripts/prod-deps-smoke.mjs "$work/app/"
cd "$work/app"
# --ignore-scripts: `prepare` would build, which needs the devDependencies left out here.
run npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
if [[ -d node_modules/typescript ]]; then
  echo "prod-deps-smoke: npm installed the devDependencies too" >&2
  exit 1
fi

"${pg_admin[@]}" -c "CREATE DATABASE $database"
database_created=yes

await_line "$work/neo4j.log" "$neo4j_pid" 90 '.*NEO4J_URI=(bolt://[^ ]+).*'
neo4j_uri=$found
echo "prod-deps-smoke: Neo4j at $neo4j_uri"

# Production with DATABASE_URL requires the secret that keys erased customers' hashes.
pepper=$(head -c 32 /dev/urandom | base64)
"${run_env[@]}" NODE_ENV=production HOST=127.0.0.1 PORT=0 LOG_LEVEL=warn \
  DATABASE_URL="$database_url" NEO4J_URI="$neo4j_uri" REDIS_URL="$redis_url" \
  SUPPRESSION_PEPPER="$pepper" \
  "$node_bin" --enable-source-maps dist/src/main.js >"$work/gateway.log" 2>&1 &
gateway_pid=$!
await_line "$work/gateway.log" "$gateway_pid" 60 '^ *GraphQL: *(http://[^ ]+/graphql).*'
graphql_url=$found
echo "prod-deps-smoke: gateway at $graphql_url"

run "${run_env[@]}" DATABASE_URL="$database_url" REDIS_URL="$redis_url" \
  "$node_bin" dist/src/cli/c360.js keys create --name prod-deps-smoke --scopes READ,WRITE \
  >"$work/api-key" 2>"$work/keys.log"
run "${run_env[@]}" "$node_bin" prod-deps-smoke.mjs "$graphql_url" "$(cat "$work/api-key")"
echo "prod-deps-smoke: the production install serves HTTP and graphql-ws"
