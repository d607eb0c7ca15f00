#!/usr/bin/env bash
# Gateway overhead benchmark: the OpenAI simulator in its own process, the gateway in front of it (local mode
# on bench/resources), and wrk at a fixed request rate with Poisson arrivals (bench/wrk/poisson.lua), first
# straight at the simulator, then through the gateway. Prints throughput, latency percentiles, errors and CPU
# steal per case, the gateway's CPU time per request, and its resident memory.
#
#   bench/run.sh            # 1000 requests/s for 30 s per case
#   RATE=500 DURATION=10s WARMUP=30 ROUNDS=3 bench/run.sh
#   (WARMUP in seconds; ROUNDS repeats the four cases; SKIP_BUILD=1 reuses the last build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-1000}"
DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-50}"
SIM_PORT=18181
GW_PORT=18180
# Health and metrics are on the gateway's management port.
MGMT_PORT=19180
out="$root/bench/results"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
ensure_wrk

build_gateway
classpath=$(test_classpath "$out/test-classpath.txt")

background "$out/simulator.log" java -cp "$classpath" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT"
background "$out/gateway.log" java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/resources -p "$GW_PORT" \
  --management-port "$MGMT_PORT"
gateway_pid=$started
wait_ready "http://127.0.0.1:$MGMT_PORT/q/health/ready"
wait_listening "http://127.0.0.1:$SIM_PORT/"

plain='{"model":"bench-upstream","messages":[{"role":"user","content":"hello benchmark"}]}'
stream='{"model":"bench-upstream","stream":true,"messages":[{"role":"user","content":"hello benchmark"}]}'
direct="http://127.0.0.1:$SIM_PORT/v1/chat/completions"
gateway="http://127.0.0.1:$GW_PORT/v1/chat/completions"

# The JIT needs about a minute of traffic on two cores before the gateway's code is fully compiled.
echo "bench: warming up for ${WARMUP:-60}s" >&2
warm gateway-plain "$gateway" "${plain/bench-upstream/bench}" "" "${WARMUP:-60}s"
warm gateway-stream "$gateway" "${stream/bench-upstream/bench}" "" 30s
warm direct-plain "$direct" "$plain" "" 10s

echo "rate $RATE req/s (Poisson arrivals), $CONNECTIONS connections, $DURATION per case"
# Each round measures direct then gateway back to back, so both see the same machine; more rounds show how
# much of a p99 is the gateway and how much the host's steal.
for round in $(seq 1 "${ROUNDS:-1}"); do
  [ "${ROUNDS:-1}" -eq 1 ] || echo "round $round"
  load direct-plain "$direct" "$plain"
  load_with_cpu gateway-plain "$gateway" "${plain/bench-upstream/bench}" "" "$gateway_pid"
  load direct-stream "$direct" "$stream"
  load_with_cpu gateway-stream "$gateway" "${stream/bench-upstream/bench}" "" "$gateway_pid"
done
echo "gateway resident memory: $(( $(ps -o rss= -p "$gateway_pid") / 1024 )) MB"
