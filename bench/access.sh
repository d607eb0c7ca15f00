#!/usr/bin/env bash
# Cost of access control on the hot path: the same gateway and OpenAI simulator as bench/run.sh, measured three
# times at a fixed request rate with wrk (Poisson arrivals, bench/lib.sh):
#   open         access mode Open (no key, nothing counted)
#   keys-local   ApiKeys + rate limits + budgets, counted in the gateway's memory (no Redis)
#   keys-redis   the same, counted in a local redis-server (one Lua call to admit, one to settle)
# The limits are far above the offered load, so every request is admitted and all of them are counted.
#
#   bench/access.sh                         # 1000 requests/s for 30 s per case, 60 s warm-up per case
#   RATE=200 DURATION=5s WARMUP=5 SKIP_BUILD=1 bench/access.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-1000}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-60}"
CONNECTIONS="${CONNECTIONS:-50}"
SIM_PORT=18181
GW_PORT=18180
# Health and metrics are on the gateway's management port.
MGMT_PORT=19180
REDIS_PORT=18379
CLIENT_KEY="sk-bench-client"
out="$root/bench/results/access"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
ensure_wrk
.ci/redis.sh

build_gateway
classpath=$(test_classpath "$out/test-classpath.txt")

background "$out/simulator.log" java -cp "$classpath" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$out/redis.log" 2>&1 &
pids+=($!)

# Three resource directories: the open bench policy, and the same served with keys and limits, without and with Redis.
cases="$out/cases"
rm -rf "$cases" && mkdir -p "$cases/open" "$cases/keys-local" "$cases/keys-redis"
cp bench/resources/bench.yaml "$cases/open/"
policy() { # redis-block
  # The bench Provider and ModelGroup: every document of bench.yaml but the RoutingPolicy.
  awk 'BEGIN {RS="---\n"} !/kind: RoutingPolicy/ {printf "%s---\n", $0}' bench/resources/bench.yaml
  cat <<YAML
kind: Secret
apiVersion: v1
metadata:
  name: bench-clients
  labels:
    switchboard.dev/usable: "true"
stringData:
  bench: $CLIENT_KEY
---
apiVersion: switchboard.dev/v1alpha1
kind: RoutingPolicy
metadata:
  name: bench
spec:
  access:
    mode: ApiKeys$1
    clients:
    - name: bench
      team: bench
      keyRef: {name: bench-clients, key: bench}
      models: ["bench*"]
      limits: {requestsPerMinute: 100000000, tokensPerMinute: 2000000000, maxConcurrency: 100000}
      budget: {perDay: 1000000000, perMonth: 1000000000}
YAML
}
policy "" >"$cases/keys-local/bench.yaml"
policy "
    redis: {endpoint: 127.0.0.1:$REDIS_PORT}" >"$cases/keys-redis/bench.yaml"

plain='{"model":"bench","messages":[{"role":"user","content":"hello benchmark"}]}'
echo "rate $RATE req/s, $CONNECTIONS connections, $DURATION per case (after ${WARMUP}s warm-up)"
for name in open keys-local keys-redis; do
  java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f "$cases/$name" -p "$GW_PORT" --management-port "$MGMT_PORT" >"$out/gateway-$name.log" 2>&1 &
  gateway_pid=$!
  wait_ready "http://127.0.0.1:$MGMT_PORT/q/health/ready"
  auth=""
  [ "$name" = open ] || auth="Bearer $CLIENT_KEY"
  warm "$name" "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$plain" "$auth" "${WARMUP}s"
  load "$name" "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$plain" "$auth"
  kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true
  if [ "$name" = keys-redis ]; then
    # Each of these switched the gateway to per-replica counters for up to a second: the run is then not all Redis.
    echo "             Redis timeouts during the run: $(grep -c 'is unreachable' "$out/gateway-$name.log" || true)"
  fi
done
