#!/usr/bin/env bash
# Gateway overhead benchmark: the OpenAI simulator in its own process, the gateway in front of it (local mode
# on bench/resources), and `hey` at a fixed request rate, first straight at the simulator, then through the
# gateway. Prints latency percentiles, throughput and errors per case, and the gateway's resident memory.
#
#   bench/run.sh            # 1000 requests/s for 30 s per case
#   RATE=500 DURATION=10s WARMUP=30s bench/run.sh   (SKIP_BUILD=1 reuses the last build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-1000}"
DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-50}"
SIM_PORT=18181
GW_PORT=18180
out="$root/bench/results"
mkdir -p "$out"

if ! command -v hey >/dev/null 2>&1; then
  echo "bench: installing hey (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq hey; else sudo apt-get update -qq && sudo apt-get install -y -qq hey; fi
fi

echo "bench: building" >&2
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q install -DskipTests
# The simulator runs from the test classes, so its classpath is needed even when the build is skipped.
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$out/test-classpath.txt" ]; then
  ./mvnw -B -q -pl gateway test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/test-classpath.txt"
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

java -cp "gateway/target/test-classes:$(cat "$out/test-classpath.txt")" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT" \
  >"$out/simulator.log" 2>&1 &
pids+=($!)
java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/resources -p "$GW_PORT" >"$out/gateway.log" 2>&1 &
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
wait_for "http://127.0.0.1:$GW_PORT/q/health/ready"
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
per_worker=$(( RATE / CONNECTIONS ))

run() { # name url body
  hey -z "$DURATION" -c "$CONNECTIONS" -q "$per_worker" -m POST -T application/json -d "$3" "$2" >"$out/$1.txt"
  awk -v name="$1" '
    /Requests\/sec/ {rps=$2}
    /50% in/ {p50=$3*1000}
    /99% in/ {p99=$3*1000}
    /resp wait:/ {wait=$3*1000}
    /Status code distribution/ {codes=1; next}
    codes && /\[/ {dist = dist $0 " "}
    END {printf "%-22s %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  avg first byte %6.2f ms  status: %s\n", name, rps, p50, p99, wait, dist}
  ' "$out/$1.txt"
}

# The JIT needs about a minute of traffic on two cores before the gateway's code is fully compiled.
echo "bench: warming up for ${WARMUP:-60s}" >&2
hey -z "${WARMUP:-60s}" -c "$CONNECTIONS" -q "$per_worker" -m POST -T application/json -d "${plain/bench-upstream/bench}" \
  "http://127.0.0.1:$GW_PORT/v1/chat/completions" >/dev/null
hey -z 30s -c "$CONNECTIONS" -q "$per_worker" -m POST -T application/json -d "${stream/bench-upstream/bench}" \
  "http://127.0.0.1:$GW_PORT/v1/chat/completions" >/dev/null
hey -z 10s -c "$CONNECTIONS" -q "$per_worker" -m POST -T application/json -d "$plain" \
  "http://127.0.0.1:$SIM_PORT/v1/chat/completions" >/dev/null

echo "rate $RATE req/s, $CONNECTIONS connections, $DURATION per case"
run direct-plain "http://127.0.0.1:$SIM_PORT/v1/chat/completions" "$plain"
run gateway-plain "http://127.0.0.1:$GW_PORT/v1/chat/completions" "${plain/bench-upstream/bench}"
run direct-stream "http://127.0.0.1:$SIM_PORT/v1/chat/completions" "$stream"
run gateway-stream "http://127.0.0.1:$GW_PORT/v1/chat/completions" "${stream/bench-upstream/bench}"
echo "gateway resident memory: $(( $(ps -o rss= -p "$gateway_pid") / 1024 )) MB"
