#!/usr/bin/env bash
# Translation overhead benchmark: OpenAI chat requests through the gateway (local mode on bench/translation) to
# the Anthropic simulator (translated to the Messages API and back) versus to the OpenAI simulator (relayed),
# each simulator in its own JVM, with wrk at a fixed request rate with Poisson arrivals (bench/lib.sh). Streaming and not. Prints throughput,
# p50/p99 latency and the status distribution per case.
#
#   bench/translation.sh          # 500 requests/s for 30 s per case after a 60 s warm-up
#   RATE=200 DURATION=5s WARMUP=5 bench/translation.sh   (WARMUP in seconds)   (SKIP_BUILD=1 reuses the last build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-500}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-60}"
CONNECTIONS="${CONNECTIONS:-50}"
OPENAI_PORT=18181
ANTHROPIC_PORT=18182
GW_PORT=18183
# Health and metrics are on the gateway's management port.
MGMT_PORT=19183
out="$root/bench/results"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
ensure_wrk

# Reactor builds only (no install): the gateway's runnable app, and the test classpath the simulators run from.
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f gateway/target/quarkus-app/quarkus-run.jar ] || [ ! -f "$out/test-classpath.txt" ]; then
  echo "bench: building" >&2
  ./mvnw -B -q -pl gateway -am package -DskipTests
  ./mvnw -B -q -pl gateway -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/test-classpath.txt"
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

classpath="gateway/target/test-classes:$(cat "$out/test-classpath.txt")"
java -cp "$classpath" dev.switchboard.gateway.testing.OpenAiSimulator "$OPENAI_PORT" >"$out/openai-simulator.log" 2>&1 &
pids+=($!)
java -cp "$classpath" dev.switchboard.gateway.testing.AnthropicSimulator "$ANTHROPIC_PORT" >"$out/anthropic-simulator.log" 2>&1 &
pids+=($!)
java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/translation -p "$GW_PORT" --management-port "$MGMT_PORT" >"$out/translation-gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)

wait_for() { # url expected-status log
  for _ in $(seq 1 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
    if [ "$code" = "$2" ]; then return 0; fi
    sleep 0.5
  done
  echo "bench: $1 did not come up; see $3" >&2
  exit 1
}
wait_for "http://127.0.0.1:$MGMT_PORT/q/health/ready" 200 "$out/translation-gateway.log"
# The simulators answer POSTs only; a 404 on GET proves they listen.
wait_for "http://127.0.0.1:$OPENAI_PORT/" 404 "$out/openai-simulator.log"
wait_for "http://127.0.0.1:$ANTHROPIC_PORT/" 404 "$out/anthropic-simulator.log"

body() { # model stream
  printf '{"model":"%s","stream":%s,"max_tokens":64,"messages":[{"role":"system","content":"You are a benchmark."},{"role":"user","content":"hello benchmark, please answer with a few words"}]}' "$1" "$2"
}
url="http://127.0.0.1:$GW_PORT/v1/chat/completions"

# A translated request that fails would still be fast: make sure both paths really answer 200 before measuring.
for model in bench bench-anthropic; do
  for stream in false true; do
    code=$(curl -s -o "$out/check.txt" -w '%{http_code}' -H 'content-type: application/json' -d "$(body "$model" "$stream")" "$url")
    if [ "$code" != "200" ]; then
      echo "bench: $model (stream=$stream) answered $code: $(head -c 300 "$out/check.txt")" >&2
      exit 1
    fi
  done
done

echo "bench: warming up for ${WARMUP}s per path" >&2
for model in bench bench-anthropic; do
  warm "$model-plain" "$url" "$(body "$model" false)" "" "${WARMUP}s"
  warm "$model-stream" "$url" "$(body "$model" true)" "" "${WARMUP}s"
done

echo "rate $RATE req/s, $CONNECTIONS connections, $DURATION per case (gateway: one JVM, -Xmx256m)"
load openai-to-openai-plain "$url" "$(body bench false)"
load openai-to-anthropic-plain "$url" "$(body bench-anthropic false)"
load openai-to-openai-stream "$url" "$(body bench true)"
load openai-to-anthropic-stream "$url" "$(body bench-anthropic true)"
echo "gateway resident memory: $(( $(ps -o rss= -p "$gateway_pid") / 1024 )) MB"
