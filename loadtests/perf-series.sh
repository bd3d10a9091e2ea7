#!/usr/bin/env bash
# One repeatable performance series: a private PostgreSQL and Redis, two API replicas (Release, Production), the
# catalog imported, then each suite in turn; every output is kept under the report folder.
#
#   loadtests/perf-series.sh [--api-tree DIR] [--out DIR] [--suites ceiling,floor,invalidation,read100,read2k,writemix,select,search,retrieval,import,read100-large,writemix-large,put-ab]
#
# --api-tree builds and runs the API of another checkout (e.g. a worktree of an older commit) with this checkout's load
# tools, so two builds are compared with the same instruments. Ports: API 47080/47081, PostgreSQL 47432, Redis 47379.
# Background embedding for search is off unless the search or retrieval suite runs (SERIES_EMBEDDINGS=true|false
# overrides); then the catalog's backlog (minutes of CPU once) drains right after the import, timed, before any suite.
# The import suite runs last (it adds 10,000 generated tools, which every later suite would then read): the generator's
# from-template output, five templates in turn, zipped and posted to POST /api/v1/tools/import, then the same zip again
# (all unchanged); each time is until the request answers (background embedding, when on, drains afterwards).
# read100-large and writemix-large (not in the default set) run the read mix and the write mix again after the import,
# over 10,229 tools. put-ab (not in the default set; needs --api-tree) compares the PUT of two builds on one stack:
# replica A runs the --api-tree build, replica B this checkout's, and each writes 600 versions in turn, six times over,
# so both builds meet the same database, machine load and moment.
# read2k (not in the default set) runs the write mix's reads without its writes: the read suite, open 2,000 req/s over
# both replicas. floor (not in the default set) runs the same read suite against two constant-bytes servers
# (loadtests/ToolCatalog.ConstantBytes, every path, a tool document's size): the latency shape on this machine of a
# server that does nothing, against which the write mix's P99/P95 is read. After read2k and the write mix, each
# replica's own view of the last minute (GET /api/v1/metrics: from its first middleware to the response, warm-up
# included) is written under the client's figures, so time spent outside the handlers shows as the difference.
# SERIES_PG_STATS=true loads pg_stat_statements (planning tracked too) and writes PostgreSQL's busiest statements, with
# calls, mean execution and planning time, to pg_stat_statements.txt at the end.
# /api/v1/performance/stats is opened to anonymous reads (admin-only by default in Production) because the published
# read mix calls it without a key.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
API_TREE=$REPO
OUT=""
SUITES="ceiling,invalidation,read100,writemix,select,import"
while (($#)); do
  case "$1" in
    --api-tree) API_TREE=$(cd "$2" && pwd); shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --suites) SUITES=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
# The ports are fixed, so two series at once would talk to each other's servers (and stop them on exit).
exec 9>/tmp/toolcatalog-perf-series.lock
flock -n 9 || { echo "another perf-series is running on this machine (its ports are fixed); wait for it" >&2; exit 2; }
OUT=${OUT:-$REPO/loadtests/reports/series-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
has() { [[ ",$SUITES," == *",$1,"* ]]; }
EMBEDDINGS=${SERIES_EMBEDDINGS:-$( (has retrieval || has search) && echo true || echo false)}

for tool in redis-server wrk curl zip; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install -y redis-server wrk curl zip)" >&2; exit 2; }
done
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PG_BIN/postgres" ] || { echo "PostgreSQL binaries not found (apt-get install -y postgresql)" >&2; exit 2; }

echo "building (Release): API from $API_TREE, load tools from $REPO"
dotnet build -c Release "$API_TREE/ToolCatalog.Api" -v q -nologo >"$OUT/build.log"
for project in loadtests/ToolCatalog.LoadTests loadtests/ToolCatalog.Benchmarks loadtests/ToolCatalog.ConstantBytes ToolCatalog.Generator; do
  dotnet build -c Release "$project" -v q -nologo >>"$OUT/build.log"
done
API_DLL=$API_TREE/ToolCatalog.Api/bin/Release/net10.0/ToolCatalog.Api.dll
B_DLL=$API_DLL
if has put-ab; then
  [ "$API_TREE" != "$REPO" ] || { echo "put-ab compares two builds: give --api-tree <worktree of the other commit>" >&2; exit 2; }
  dotnet build -c Release "$REPO/ToolCatalog.Api" -v q -nologo >>"$OUT/build.log"
  B_DLL=$REPO/ToolCatalog.Api/bin/Release/net10.0/ToolCatalog.Api.dll
fi

WORK=$(mktemp -d /tmp/toolcatalog-series.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# PostgreSQL: throwaway cluster, durability off (as in the documented runs); as root it runs as the postgres user.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$WORK"
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
"${as_pg[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --no-sync >"$OUT/initdb.log"
PG_STATS=()
[ "${SERIES_PG_STATS:-false}" = true ] && PG_STATS=(-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on)
"${as_pg[@]}" "$PG_BIN/postgres" -D "$WORK/pg" -p 47432 -k "$WORK" -c listen_addresses=127.0.0.1 -c fsync=off \
  -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "${PG_STATS[@]}" >"$OUT/postgres.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do "$PG_BIN/pg_isready" -h 127.0.0.1 -p 47432 -q && break; sleep 0.1; done
"$PG_BIN/createdb" -h 127.0.0.1 -p 47432 -U postgres catalogdb
PSQL=("$PG_BIN/psql" -h 127.0.0.1 -p 47432 -U postgres -X -q catalogdb)
((${#PG_STATS[@]})) && "${PSQL[@]}" -c "CREATE EXTENSION pg_stat_statements"

redis-server --port 47379 --bind 127.0.0.1 --save "" --appendonly no --maxmemory 512mb --maxmemory-policy allkeys-lru \
  >"$OUT/redis.log" 2>&1 &
PIDS+=($!)

KEY=series-admin-key-$RANDOM$RANDOM
KEY_SHA=$(printf '%s' "$KEY" | sha256sum | cut -d' ' -f1)
start_api() { # port [dll] -> pid
  ConnectionStrings__catalogdb="Host=127.0.0.1;Port=47432;Username=postgres;Database=catalogdb" \
  ConnectionStrings__cache="127.0.0.1:47379" Cache__Prefix=series ASPNETCORE_ENVIRONMENT=Production \
  Auth__ApiKeys__0__Name=series-admin Auth__ApiKeys__0__Role=admin Auth__ApiKeys__0__Sha256="$KEY_SHA" \
  Auth__WritesPerSecondPerKey=1000 Logging__LogLevel__Default=Warning OTEL_EXPORTER_OTLP_ENDPOINT= \
  Search__Embeddings__Enabled="$EMBEDDINGS" Exposure__PerformanceStats=Public \
    dotnet "${2:-$API_DLL}" --urls "http://127.0.0.1:$1" >"$OUT/api-$1.log" 2>&1 &
  echo $!
}
API_A=$(start_api 47080); PIDS+=("$API_A")
# B starts once A is up: A applies the migrations it knows first, then B any newer ones (put-ab).
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:47080/health" >/dev/null && break; sleep 0.2; done
API_B=$(start_api 47081 "$B_DLL"); PIDS+=("$API_B")
for port in 47080 47081; do
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "API on $port did not become healthy; see $OUT/api-$port.log" >&2; exit 1; }
done

dotnet ToolCatalog.Generator/bin/Release/net10.0/ToolCatalog.Generator.dll import catalog --api http://127.0.0.1:47080 \
  --api-key "$KEY" >"$OUT/import.log"
echo "stack up: API $API_A (47080) and $API_B (47081), catalog imported; reports in $OUT"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "api tree: $API_TREE ($(git -C "$API_TREE" rev-parse --short HEAD)$(git -C "$API_TREE" diff --quiet || echo ', with local changes'))"
  echo "load tools: $REPO ($(git rev-parse --short HEAD))"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB"
} | tee "$OUT/series.txt"

LOAD=(dotnet loadtests/ToolCatalog.LoadTests/bin/Release/net10.0/ToolCatalog.LoadTests.dll --api-key "$KEY")
BENCH=(dotnet loadtests/ToolCatalog.Benchmarks/bin/Release/net10.0/ToolCatalog.Benchmarks.dll)

# The published read mix (100 closed users on replica A) and write mix (2,000 req/s over both replicas), reported
# under the folder the suite names; and how many tools a replica serves.
read_mix() {
  "${LOAD[@]}" --base-url http://127.0.0.1:47080 --users 100 --duration 30s --warmup 15s --seed 1 --api-pid "$API_A" \
    --out "$OUT/$1" 2>&1 | tail -25 | tee -a "$OUT/series.txt" || true
}
open_2k() { # suite out-folder base-url base-url api-pid: open 2,000 req/s over two servers, 45 s after 15 s warm-up
  "${LOAD[@]}" --suite "$1" --base-url "$3" --base-url "$4" --rate 2000 --duration 45s --warmup 15s --seed 1 --api-pid "$5" \
    --out "$OUT/$2" 2>&1 | tail -25 | tee -a "$OUT/series.txt" || true
}
write_mix() { open_2k write-mix "$1" http://127.0.0.1:47080 http://127.0.0.1:47081 "$API_A"; }
server_window() { # the replicas' own latency over the last minute
  for port in 47080 47081; do
    curl -sf -H "X-Api-Key: $KEY" "http://127.0.0.1:$port/api/v1/metrics" | python3 -c '
import json, sys
w = json.load(sys.stdin)["lastMinute"]
print("server side (%s, last minute): %d requests, p50 %s / p95 %s / p99 %s ms" % (sys.argv[1], w["requests"], w["p50Ms"], w["p95Ms"], w["p99Ms"]))
' "$port" | tee -a "$OUT/series.txt" || true
  done
}
served_tools() { curl -sf "http://127.0.0.1:$1/api/v1/tools?limit=1" | grep -o '"total":[0-9]*' | cut -d: -f2; }

# The import's embedding backlog drains first, on its own: its rate is a result, and its CPU must not land in a suite.
if [ "$EMBEDDINGS" = true ]; then
  echo "== embedding backlog drain after the import" | tee -a "$OUT/series.txt"
  "${BENCH[@]}" embedding-drain --api http://127.0.0.1:47080 2>&1 | tee -a "$OUT/series.txt"
fi

if has ceiling; then
  echo "== ceiling" | tee -a "$OUT/series.txt"
  loadtests/ceiling.sh http://127.0.0.1:47080 dig 10s 2>&1 | tee -a "$OUT/series.txt"
fi
if has floor; then
  echo "== floor: the read suite, open 2,000 req/s, against two constant-bytes servers" | tee -a "$OUT/series.txt"
  BYTES=$(curl -sf http://127.0.0.1:47080/api/v1/tools/dig | wc -c)
  FLOOR_PIDS=()
  for port in 47090 47091; do
    ASPNETCORE_ENVIRONMENT=Production dotnet loadtests/ToolCatalog.ConstantBytes/bin/Release/net10.0/ToolCatalog.ConstantBytes.dll \
      --urls "http://127.0.0.1:$port" --Bytes "$BYTES" >/dev/null 2>&1 &
    FLOOR_PIDS+=($!); PIDS+=($!)
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
  done
  open_2k read floor http://127.0.0.1:47090 http://127.0.0.1:47091 "${FLOOR_PIDS[0]}"
  kill "${FLOOR_PIDS[@]}" 2>/dev/null || true
fi
if has put-ab; then
  for run in 1 2 3 4 5 6; do
    for writer in 47080 47081; do
      reader=$((47080 + 47081 - writer))
      echo "== put-ab run $run: writes on $( [ $writer = 47080 ] && echo "A ($(git -C "$API_TREE" rev-parse --short HEAD))" || echo "B ($(git rev-parse --short HEAD))"), reads on the other" | tee -a "$OUT/series.txt"
      "${BENCH[@]}" invalidation --writer "http://127.0.0.1:$writer" --reader "http://127.0.0.1:$reader" --key "$KEY" --writes 600 \
        2>&1 | tee -a "$OUT/series.txt"
    done
  done
fi
if has invalidation; then
  for run in 1 2 3; do
    echo "== invalidation, run $run (also the PUT round trip on an idle stack)" | tee -a "$OUT/series.txt"
    "${BENCH[@]}" invalidation --writer http://127.0.0.1:47080 --reader http://127.0.0.1:47081 --key "$KEY" --writes 1000 \
      2>&1 | tee -a "$OUT/series.txt"
  done
fi
if has read100; then
  echo "== read mix, closed 100 users" | tee -a "$OUT/series.txt"
  read_mix read100
fi
if has read2k; then
  echo "== the write mix's reads without its writes: read suite, open 2,000 req/s across two replicas" | tee -a "$OUT/series.txt"
  open_2k read read2k http://127.0.0.1:47080 http://127.0.0.1:47081 "$API_A"
  server_window
fi
if has writemix; then
  echo "== write mix, open 2,000 req/s across two replicas" | tee -a "$OUT/series.txt"
  write_mix writemix
  server_window
fi
if has select; then
  echo "== select, open 1,000 req/s on one replica" | tee -a "$OUT/series.txt"
  "${LOAD[@]}" --suite select --base-url http://127.0.0.1:47080 --rate 1000 --duration 30s --warmup 10s --seed 1 --api-pid "$API_A" \
    --out "$OUT/select" 2>&1 | tail -25 | tee -a "$OUT/series.txt" || true
fi
if has search; then
  echo "== search: uncached query embedding cost (one client, sequential new queries)" | tee -a "$OUT/series.txt"
  "${BENCH[@]}" search-cost --api http://127.0.0.1:47080 2>&1 | tee -a "$OUT/series.txt"
  echo "== search, cached plain-language queries, open 1,000 req/s on one replica" | tee -a "$OUT/series.txt"
  "${LOAD[@]}" --suite search --base-url http://127.0.0.1:47080 --rate 1000 --duration 30s --warmup 10s --seed 1 --api-pid "$API_A" \
    --out "$OUT/search" 2>&1 | tail -25 | tee -a "$OUT/series.txt" || true
fi
if has retrieval; then
  echo "== retrieval quality (waits for the embedding backlog, then Recall@1/@5 and MRR@10 per mode and kind)" | tee -a "$OUT/series.txt"
  "${BENCH[@]}" retrieval --api http://127.0.0.1:47080 --misses "$OUT/hybrid-misses.tsv" 2>&1 | tee -a "$OUT/series.txt"
fi
if has import; then
  echo "== import: 10,000 generated tools (from-template, five templates in turn), then the same again unchanged" | tee -a "$OUT/series.txt"
  GEN=(dotnet ToolCatalog.Generator/bin/Release/net10.0/ToolCatalog.Generator.dll)
  mkdir -p "$WORK/generated/tools"
  declare -A PLATFORM
  for template in simple_command api_tool database_tool monitoring_tool automation_tool; do
    "${GEN[@]}" from-template "$template" series_placeholder_tool --stdout >"$WORK/generated/$template.yaml"
    PLATFORM[$template]=$(awk -F'"' '/^platform:/ {print $2; exit}' "$WORK/generated/$template.yaml")
    mkdir -p "$WORK/generated/tools/${PLATFORM[$template]}"
  done
  for i in $(seq -w 0 1999); do
    for template in simple_command api_tool database_tool monitoring_tool automation_tool; do
      sed "s/series_placeholder_tool/gen_${template}_$i/g" "$WORK/generated/$template.yaml" \
        >"$WORK/generated/tools/${PLATFORM[$template]}/gen_${template}_$i.yaml"
    done
  done
  (cd "$WORK/generated/tools" && zip -q -r -1 "$WORK/generated/import.zip" .)
  for run in first unchanged; do
    curl -sS -o "$OUT/import-$run.json" -w "import ($run): HTTP %{http_code}, %{time_total} s until the response, zip %{size_upload} bytes\n" \
      -H "X-Api-Key: $KEY" -H "Content-Type: application/zip" --data-binary "@$WORK/generated/import.zip" \
      http://127.0.0.1:47080/api/v1/tools/import | tee -a "$OUT/series.txt"
    grep -o '"added":[0-9]*,"newVersions":[0-9]*,"unchanged":[0-9]*,"invalid":[0-9]*' "$OUT/import-$run.json" | tee -a "$OUT/series.txt" || true
    # The other replica applies the 10,000 new tools after the answer; let it finish before the second request, so the
    # unchanged import is timed on its own and not against that catch-up's CPU.
    for _ in $(seq 1 600); do
      [ "$(served_tools 47081)" -ge 10000 ] 2>/dev/null && break
      sleep 0.5
    done
  done
fi
if has read100-large; then
  # After the import suite: the same read mix over the catalog plus its 10,000 generated tools (lists, filters and
  # search then walk 10,229 tools per request instead of 229).
  has import || { echo "read100-large reads what the import suite added: give --suites ...,import,read100-large" >&2; exit 2; }
  echo "== read mix, closed 100 users, over $(served_tools 47080) tools" | tee -a "$OUT/series.txt"
  read_mix read100-large
fi
if has writemix-large; then
  # After the import suite: every write swaps in a snapshot of 10,229 tools on both replicas, so whatever a swap costs
  # per tool shows here and not over 229 tools.
  has import || { echo "writemix-large writes over what the import suite added: give --suites ...,import,writemix-large" >&2; exit 2; }
  echo "== write mix, open 2,000 req/s across two replicas, over $(served_tools 47080) tools" | tee -a "$OUT/series.txt"
  write_mix writemix-large
fi
if ((${#PG_STATS[@]})); then
  "${PSQL[@]}" -c "SELECT calls, round((total_exec_time / nullif(calls, 0))::numeric, 3) AS exec_ms,
      round((total_plan_time / nullif(plans, 0))::numeric, 3) AS plan_ms, plans, left(regexp_replace(query, '\s+', ' ', 'g'), 120) AS statement
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 30" >"$OUT/pg_stat_statements.txt"
fi
echo "series done: $OUT/series.txt"
