#!/usr/bin/env bash
# The physical limit on this machine: wrk against a constant-bytes Kestrel endpoint returning a body the size of a
# tool document, then against the catalog's cached GET /api/v1/tools/{name}, in one run; prints the throughput
# ratio and both p99s.
#
#   loadtests/ceiling.sh [catalog-base-url] [tool] [duration]
#   e.g. loadtests/ceiling.sh http://127.0.0.1:5080 dig 10s
set -euo pipefail
cd "$(dirname "$0")/.."

CATALOG=${1:-http://127.0.0.1:5080}
TOOL=${2:-dig}
DURATION=${3:-10s}
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-100}
PORT=${CEILING_PORT:-5099}

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 2; }
BYTES=$(curl -sf "$CATALOG/api/v1/tools/$TOOL" | wc -c)
[ "$BYTES" -gt 0 ] || { echo "could not read $CATALOG/api/v1/tools/$TOOL" >&2; exit 2; }

dotnet build -c Release loadtests/ToolCatalog.ConstantBytes -v q -nologo >/dev/null
ASPNETCORE_ENVIRONMENT=Production dotnet loadtests/ToolCatalog.ConstantBytes/bin/Release/net10.0/ToolCatalog.ConstantBytes.dll \
  --urls "http://127.0.0.1:$PORT" --Bytes "$BYTES" >/dev/null 2>&1 &
CONSTANT_PID=$!
trap 'kill $CONSTANT_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/bytes" >/dev/null && break; sleep 0.1; done

run() { # url -> "rps p99_ms"
  local out
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$1" >/dev/null   # warm-up: JIT, connection pools, L1
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1")
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  [ -z "$errors" ] || echo "  warning: $errors" >&2
  echo "$rps $p99"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; body: $BYTES bytes; wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
read -r CONST_RPS CONST_P99 < <(run "http://127.0.0.1:$PORT/bytes")
read -r CAT_RPS CAT_P99 < <(run "$CATALOG/api/v1/tools/$TOOL")
printf 'constant bytes : %10.0f req/s   p99 %6.2f ms\n' "$CONST_RPS" "$CONST_P99"
printf 'catalog cached : %10.0f req/s   p99 %6.2f ms\n' "$CAT_RPS" "$CAT_P99"
awk -v c="$CAT_RPS" -v k="$CONST_RPS" 'BEGIN { printf "ratio (catalog / constant): %.2f\n", c / k }'
