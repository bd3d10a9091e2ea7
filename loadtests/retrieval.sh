#!/usr/bin/env bash
# Retrieval quality of GET /api/v1/search on the evaluation set (tests/retrieval/queries.tsv), on a private stack:
# PostgreSQL, Redis and one API (Release) on ports of its own, the catalog imported, then the `retrieval` benchmark,
# which first waits for the embedding backlog to drain (and reports the drain rate), then prints Recall@1, Recall@5
# and MRR@10 per mode and kind. Usage: loadtests/retrieval.sh [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
OUT=${2:-$REPO/loadtests/reports/retrieval-$(date -u +%Y%m%dT%H%M%SZ)}
[ "${1:-}" = "--out" ] || [ -z "${1:-}" ] || { echo "usage: $0 [--out DIR]" >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PG_BIN/postgres" ] || { echo "PostgreSQL binaries not found (apt-get install -y postgresql)" >&2; exit 2; }

echo "building (Release)"
for project in ToolCatalog.Api loadtests/ToolCatalog.Benchmarks ToolCatalog.Generator; do
  dotnet build -c Release "$project" -v q -nologo >>"$OUT/build.log"
done

WORK=$(mktemp -d /tmp/toolcatalog-retrieval.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$WORK"
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
"${as_pg[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --no-sync >"$OUT/initdb.log"
"${as_pg[@]}" "$PG_BIN/postgres" -D "$WORK/pg" -p 47532 -k "$WORK" -c listen_addresses=127.0.0.1 -c fsync=off \
  -c synchronous_commit=off >"$OUT/postgres.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do "$PG_BIN/pg_isready" -h 127.0.0.1 -p 47532 -q && break; sleep 0.1; done
"$PG_BIN/createdb" -h 127.0.0.1 -p 47532 -U postgres catalogdb
redis-server --port 47579 --bind 127.0.0.1 --save "" --appendonly no >"$OUT/redis.log" 2>&1 &
PIDS+=($!)

KEY=retrieval-admin-key-$RANDOM$RANDOM
KEY_SHA=$(printf '%s' "$KEY" | sha256sum | cut -d' ' -f1)
ConnectionStrings__catalogdb="Host=127.0.0.1;Port=47532;Username=postgres;Database=catalogdb" \
ConnectionStrings__cache="127.0.0.1:47579" Cache__Prefix=retrieval ASPNETCORE_ENVIRONMENT=Production \
Auth__ApiKeys__0__Name=retrieval-admin Auth__ApiKeys__0__Role=admin Auth__ApiKeys__0__Sha256="$KEY_SHA" \
Logging__LogLevel__Default=Warning OTEL_EXPORTER_OTLP_ENDPOINT= \
  dotnet ToolCatalog.Api/bin/Release/net10.0/ToolCatalog.Api.dll --urls "http://127.0.0.1:47580" >"$OUT/api.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do curl -s "http://127.0.0.1:47580/alive" >/dev/null && break; sleep 0.2; done

dotnet ToolCatalog.Generator/bin/Release/net10.0/ToolCatalog.Generator.dll import catalog --api http://127.0.0.1:47580 \
  --api-key "$KEY" >"$OUT/import.log"
dotnet loadtests/ToolCatalog.Benchmarks/bin/Release/net10.0/ToolCatalog.Benchmarks.dll retrieval --api http://127.0.0.1:47580 \
  --misses "$OUT/hybrid-misses.tsv" 2>&1 | tee "$OUT/retrieval.txt"
