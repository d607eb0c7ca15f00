#!/usr/bin/env bash
# Tracing overhead benchmark: the gateway overhead benchmark (bench/run.sh) with two gateways side by side, one
# without tracing (bench/resources, the default) and one tracing every request at 100% sampling (bench/tracing),
# exporting over OTLP/HTTP to a loopback receiver that decodes each export (OtlpReceiver from the test classes).
# Each round measures the simulator directly, then each gateway, plain and streamed, back to back, so all cases see
# the same machine. Prints throughput, latency percentiles, errors and steal per case, each gateway's CPU time per
# request, the spans the receiver got, and the load average (the machine may be shared).
#
#   bench/tracing.sh        # 1000 requests/s for 30 s per case
#   RATE=500 DURATION=15s WARMUP=30 ROUNDS=2 SKIP_BUILD=1 bench/tracing.sh   (WARMUP in seconds)
#   BASELINE=/path/to/quarkus-app/quarkus-run.jar bench/tracing.sh   # also a gateway built without tracing (e.g. from
#                                                                    # the commit before it), on bench/resources
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-1000}"
DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-50}"
# The simulator's port is the one bench/resources and bench/tracing name.
SIM_PORT=18181
OFF_PORT=18180
OFF_MGMT=19180
ON_PORT=18182
ON_MGMT=19182
OTLP_PORT=18183
BASE_PORT=18184
BASE_MGMT=19184
out="$root/bench/results"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
ensure_wrk

build_gateway
classpath=$(test_classpath "$out/test-classpath.txt")

background "$out/tracing-simulator.log" java -cp "$classpath" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT"
background "$out/tracing-receiver.log" java -Xmx128m -cp "$classpath" dev.switchboard.gateway.testing.OtlpReceiver "$OTLP_PORT"
background "$out/tracing-off-gateway.log" java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/resources \
  -p "$OFF_PORT" --management-port "$OFF_MGMT"
off_pid=$started
background "$out/tracing-on-gateway.log" java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/tracing \
  -p "$ON_PORT" --management-port "$ON_MGMT"
on_pid=$started

if [ -n "${BASELINE:-}" ]; then
  background "$out/tracing-baseline-gateway.log" java -Xmx256m -jar "$BASELINE" run -f bench/resources -p "$BASE_PORT" \
    --management-port "$BASE_MGMT"
  base_pid=$started
fi

wait_ready "http://127.0.0.1:$OFF_MGMT/q/health/ready"
wait_ready "http://127.0.0.1:$ON_MGMT/q/health/ready"
[ -z "${BASELINE:-}" ] || wait_ready "http://127.0.0.1:$BASE_MGMT/q/health/ready"
wait_listening "http://127.0.0.1:$SIM_PORT/"

plain='{"model":"bench-upstream","messages":[{"role":"user","content":"hello benchmark"}]}'
stream='{"model":"bench-upstream","stream":true,"messages":[{"role":"user","content":"hello benchmark"}]}'
direct="http://127.0.0.1:$SIM_PORT/v1/chat/completions"
off="http://127.0.0.1:$OFF_PORT/v1/chat/completions"
on="http://127.0.0.1:$ON_PORT/v1/chat/completions"
base="http://127.0.0.1:$BASE_PORT/v1/chat/completions"

spans() {
  awk '/^spans received:/ {n = $3} END {print n + 0}' "$out/tracing-receiver.log"
}

requests() {
  awk '/requests in/ {print $1}' "$out/$1.txt"
}

echo "bench: warming up for ${WARMUP:-60}s per gateway" >&2
warm tracing-off-plain "$off" "${plain/bench-upstream/bench}" "" "${WARMUP:-60}s"
warm tracing-on-plain "$on" "${plain/bench-upstream/bench}" "" "${WARMUP:-60}s"
warm tracing-off-stream "$off" "${stream/bench-upstream/bench}" "" 15s
if [ -n "${BASELINE:-}" ]; then
  warm baseline-plain "$base" "${plain/bench-upstream/bench}" "" "${WARMUP:-60}s"
  warm baseline-stream "$base" "${stream/bench-upstream/bench}" "" 15s
fi
warm tracing-on-stream "$on" "${stream/bench-upstream/bench}" "" 15s
warm direct-plain "$direct" "$plain" "" 10s

echo "rate $RATE req/s (Poisson arrivals), $CONNECTIONS connections, $DURATION per case; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "${ROUNDS:-1}"); do
  [ "${ROUNDS:-1}" -eq 1 ] || echo "round $round"
  load direct-plain "$direct" "$plain"
  [ -z "${BASELINE:-}" ] || load_with_cpu baseline-plain "$base" "${plain/bench-upstream/bench}" "" "$base_pid"
  load_with_cpu tracing-off-plain "$off" "${plain/bench-upstream/bench}" "" "$off_pid"
  before=$(spans)
  load_with_cpu tracing-on-plain "$on" "${plain/bench-upstream/bench}" "" "$on_pid"
  sleep 3
  echo "  spans exported during tracing-on-plain: $(( $(spans) - before )) for $(requests tracing-on-plain) requests (2 each: server and attempt)"
  load direct-stream "$direct" "$stream"
  [ -z "${BASELINE:-}" ] || load_with_cpu baseline-stream "$base" "${stream/bench-upstream/bench}" "" "$base_pid"
  load_with_cpu tracing-off-stream "$off" "${stream/bench-upstream/bench}" "" "$off_pid"
  before=$(spans)
  load_with_cpu tracing-on-stream "$on" "${stream/bench-upstream/bench}" "" "$on_pid"
  sleep 3
  echo "  spans exported during tracing-on-stream: $(( $(spans) - before )) for $(requests tracing-on-stream) requests"
  echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "resident memory: tracing off $(( $(ps -o rss= -p "$off_pid") / 1024 )) MB, tracing on $(( $(ps -o rss= -p "$on_pid") / 1024 )) MB"
