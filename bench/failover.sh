#!/usr/bin/env bash
# Failover benchmark: the OpenAI simulator in its own process, the gateway in front of it (local mode on
# bench/failover), and wrk at a fixed request rate with Poisson arrivals (bench/lib.sh) against two models with two targets each: `healthy` (both
# targets up) and `failover` (one target refuses every connection). The failing target's circuit breaker is
# opened first, so the second case measures steady state with the breaker open. Prints throughput, p50, p99
# and the status distribution per case; the issue's bar is throughput and p99 within 20 % of the healthy case.
#
#   bench/failover.sh                          # 1000 requests/s for 30 s per case
#   RATE=200 DURATION=5s WARMUP=5 bench/failover.sh   (WARMUP in seconds)   (SKIP_BUILD=1 reuses the last build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-1000}"
DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-50}"
SIM_PORT=18191
GW_PORT=18190
# Health and metrics are on the gateway's management port.
MGMT_PORT=19190
out="$root/bench/results"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
ensure_wrk

build_gateway
classpath=$(test_classpath "$out/failover-classpath.txt")

background "$out/failover-simulator.log" java -cp "$classpath" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT"
background "$out/failover-gateway.log" java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/failover \
  -p "$GW_PORT" --management-port "$MGMT_PORT"
wait_ready "http://127.0.0.1:$MGMT_PORT/q/health/ready"
wait_listening "http://127.0.0.1:$SIM_PORT/"

body() { echo "{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"hello benchmark\"}]}"; }
url="http://127.0.0.1:$GW_PORT/v1/chat/completions"

echo "bench: warming up for ${WARMUP:-60}s" >&2
warm healthy "$url" "$(body healthy)" "" "${WARMUP:-60}s"
# Open the failing target's breaker (five refused connections in a row), then warm the failover path too.
for _ in $(seq 1 20); do curl -s -o /dev/null -d "$(body failover)" -H 'content-type: application/json' "$url"; done
warm failover "$url" "$(body failover)" "" 5s
state=$(curl -s "http://127.0.0.1:$MGMT_PORT/q/metrics" | grep '^switchboard_circuit_breaker_state{model="failover",provider="sim-down"' || true)
echo "breaker: $state"

echo "rate $RATE req/s, $CONNECTIONS connections, $DURATION per case"
load failover-healthy "$url" "$(body healthy)"
load failover-one-down "$url" "$(body failover)"
