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

echo "bench: building" >&2
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q package -DskipTests
# The simulator runs from the test classes, so its classpath is needed even when the build is skipped.
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$out/test-classpath.txt" ]; then
  ./mvnw -B -q -pl gateway -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/test-classpath.txt"
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' INT TERM

java -cp "gateway/target/test-classes:$(cat "$out/test-classpath.txt")" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT" \
  >"$out/simulator.log" 2>&1 &
pids+=($!)
java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/resources -p "$GW_PORT" --management-port "$MGMT_PORT" >"$out/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)

wait_for() {
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.5
  done
  echo "bench: $1 did not come up" >&2
  exit 1
}
wait_for "http://127.0.0.1:$MGMT_PORT/q/health/ready"
# The simulator answers POSTs only; a 404 on GET proves it listens.
simulator_up=""
for _ in $(seq 1 120); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SIM_PORT/" || true)
  if [ "$code" = "404" ]; then simulator_up=1; break; fi
  sleep 0.5
done
if [ -z "$simulator_up" ]; then
  echo "bench: the simulator did not come up; see $out/simulator.log" >&2
  exit 1
fi

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
