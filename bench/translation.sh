#!/usr/bin/env bash
# Translation overhead benchmark, each simulator in its own JVM, with wrk at a fixed request rate with Poisson
# arrivals (bench/lib.sh), streaming and not:
# - chat: OpenAI chat requests through the gateway (local mode on bench/translation) to the Anthropic simulator
#   (translated to the Messages API and back) versus to the OpenAI simulator (relayed);
# - responses: OpenAI Responses requests (/v1/responses) straight to the OpenAI simulator (the direct reference),
#   through the gateway to it untranslated (an OpenAI provider: the Responses passthrough), and through the gateway
#   to the Anthropic simulator (translated Responses -> chat -> Messages and back); each gateway case also as its
#   p50 and p99 over the direct reference's, measured in the same run.
# Prints throughput, p50/p90/p99 latency and errors per case.
#
#   bench/translation.sh          # 500 requests/s for 30 s per case after a 60 s warm-up
#   RATE=200 DURATION=5s WARMUP=5 bench/translation.sh   (WARMUP in seconds)   (SKIP_BUILD=1 reuses the last build)
#   CASES=responses bench/translation.sh                  (CASES: "chat responses" by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-500}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-60}"
CONNECTIONS="${CONNECTIONS:-50}"
CASES="${CASES:-chat responses}"
# Ports may be moved (e.g. beside another benchmark); bench/translation's YAML is rewritten to match.
OPENAI_PORT="${OPENAI_PORT:-18181}"
ANTHROPIC_PORT="${ANTHROPIC_PORT:-18182}"
GW_PORT="${GW_PORT:-18183}"
# Health and metrics are on the gateway's management port.
MGMT_PORT="${MGMT_PORT:-19183}"
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
policy="$out/translation-policy"
mkdir -p "$policy"
sed -e "s/127.0.0.1:18181/127.0.0.1:$OPENAI_PORT/; s/127.0.0.1:18182/127.0.0.1:$ANTHROPIC_PORT/" bench/translation/bench.yaml >"$policy/bench.yaml"
java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f "$policy" -p "$GW_PORT" --management-port "$MGMT_PORT" >"$out/translation-gateway.log" 2>&1 &
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
responses_body() { # model stream
  printf '{"model":"%s","stream":%s,"max_output_tokens":64,"instructions":"You are a benchmark.","input":"hello benchmark, please answer with a few words"}' "$1" "$2"
}
responses_url="http://127.0.0.1:$GW_PORT/v1/responses"
direct_responses="http://127.0.0.1:$OPENAI_PORT/v1/responses"

# The paths measured: name, url, model (each streamed and not).
paths=()
case " $CASES " in *" chat "*) paths+=("openai-to-openai $url bench" "openai-to-anthropic $url bench-anthropic") ;; esac
case " $CASES " in *" responses "*) paths+=("responses-direct $direct_responses bench-upstream"
  "responses-to-openai $responses_url bench-responses" "responses-to-anthropic $responses_url bench-anthropic") ;; esac
request() { # url model stream
  case "$1" in *responses) responses_body "$2" "$3" ;; *) body "$2" "$3" ;; esac
}

# A translated request that fails would still be fast: make sure every path really answers 200 before measuring.
for path in "${paths[@]}"; do
  read -r name target model <<<"$path"
  for stream in false true; do
    code=$(curl -s -o "$out/check.txt" -w '%{http_code}' -H 'content-type: application/json' -d "$(request "$target" "$model" "$stream")" "$target")
    if [ "$code" != "200" ]; then
      echo "bench: $name (stream=$stream) answered $code: $(head -c 300 "$out/check.txt")" >&2
      exit 1
    fi
  done
done

echo "bench: warming up for ${WARMUP}s per path" >&2
for path in "${paths[@]}"; do
  read -r name target model <<<"$path"
  warm "$name-plain" "$target" "$(request "$target" "$model" false)" "" "${WARMUP}s"
  warm "$name-stream" "$target" "$(request "$target" "$model" true)" "" "${WARMUP}s"
done

# ratio CASE REFERENCE PERCENTILE: the case's latency at that percentile over the reference's, from wrk's output.
ratio() {
  local a b
  a=$(awk -v p="$3%" '$1 == p {print $2}' "$out/$1.txt")
  b=$(awk -v p="$3%" '$1 == p {print $2}' "$out/$2.txt")
  awk -v a="$a" -v b="$b" 'function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    } BEGIN {if (ms(b) > 0) printf "%.2f", ms(a) / ms(b); else printf "n/a"}'
}

echo "rate $RATE req/s, $CONNECTIONS connections, $DURATION per case (gateway: one JVM, -Xmx256m)"
for kind in plain stream; do
  stream=false
  [ "$kind" = stream ] && stream=true
  for path in "${paths[@]}"; do
    read -r name target model <<<"$path"
    load "$name-$kind" "$target" "$(request "$target" "$model" "$stream")"
  done
done
case " $CASES " in *" responses "*)
  for kind in plain stream; do
    for name in responses-to-openai responses-to-anthropic; do
      echo "$name-$kind over responses-direct-$kind: p50 x$(ratio "$name-$kind" "responses-direct-$kind" 50), p99 x$(ratio "$name-$kind" "responses-direct-$kind" 99)"
    done
  done ;;
esac
echo "gateway resident memory: $(( $(ps -o rss= -p "$gateway_pid") / 1024 )) MB"
