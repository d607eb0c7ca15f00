#!/usr/bin/env bash
# Translation overhead benchmark: OpenAI chat requests through the gateway (local mode on bench/translation) to
# the Anthropic simulator (translated to the Messages API and back) versus to the OpenAI simulator (relayed),
# each simulator in its own JVM, with `hey` at a fixed request rate. Streaming and not. Prints throughput,
# p50/p99 latency and the status distribution per case.
#
#   bench/translation.sh          # 500 requests/s for 30 s per case after a 60 s warm-up
#   RATE=200 DURATION=5s WARMUP=5s bench/translation.sh   (SKIP_BUILD=1 reuses the last build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-500}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-60s}"
CONNECTIONS="${CONNECTIONS:-50}"
OPENAI_PORT=18181
ANTHROPIC_PORT=18182
GW_PORT=18183
out="$root/bench/results"
mkdir -p "$out"

if ! command -v hey >/dev/null 2>&1; then
  echo "bench: installing hey (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq hey; else sudo apt-get update -qq && sudo apt-get install -y -qq hey; fi
fi

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
java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/translation -p "$GW_PORT" >"$out/translation-gateway.log" 2>&1 &
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
wait_for "http://127.0.0.1:$GW_PORT/q/health/ready" 200 "$out/translation-gateway.log"
# The simulators answer POSTs only; a 404 on GET proves they listen.
wait_for "http://127.0.0.1:$OPENAI_PORT/" 404 "$out/openai-simulator.log"
wait_for "http://127.0.0.1:$ANTHROPIC_PORT/" 404 "$out/anthropic-simulator.log"

body() { # model stream
  printf '{"model":"%s","stream":%s,"max_tokens":64,"messages":[{"role":"system","content":"You are a benchmark."},{"role":"user","content":"hello benchmark, please answer with a few words"}]}' "$1" "$2"
}
per_worker=$(( RATE / CONNECTIONS ))
[ "$per_worker" -ge 1 ] || per_worker=1
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

run() { # name body
  hey -z "$DURATION" -c "$CONNECTIONS" -q "$per_worker" -m POST -T application/json -d "$2" "$url" >"$out/$1.txt"
  awk -v name="$1" '
    /Requests\/sec/ {rps=$2}
    /50% in/ {p50=$3*1000}
    /99% in/ {p99=$3*1000}
    /Status code distribution/ {codes=1; next}
    codes && /\[/ {dist = dist $0 " "}
    END {printf "%-30s %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  status: %s\n", name, rps, p50, p99, dist}
  ' "$out/$1.txt"
}

echo "bench: warming up for $WARMUP per path" >&2
for model in bench bench-anthropic; do
  hey -z "$WARMUP" -c "$CONNECTIONS" -q "$per_worker" -m POST -T application/json -d "$(body "$model" false)" "$url" >/dev/null
  hey -z "$WARMUP" -c "$CONNECTIONS" -q "$per_worker" -m POST -T application/json -d "$(body "$model" true)" "$url" >/dev/null
done

echo "rate $RATE req/s, $CONNECTIONS connections, $DURATION per case (gateway: one JVM, -Xmx256m)"
run openai-to-openai-plain "$(body bench false)"
run openai-to-anthropic-plain "$(body bench-anthropic false)"
run openai-to-openai-stream "$(body bench true)"
run openai-to-anthropic-stream "$(body bench-anthropic true)"
echo "gateway resident memory: $(( $(ps -o rss= -p "$gateway_pid") / 1024 )) MB"
