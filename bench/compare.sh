#!/usr/bin/env bash
# The whole side-by-side in one go: how close the gateway comes to a plain reverse proxy. A fixed-answer nginx is
# the upstream; wrk drives it straight (direct), through nginx as a plain reverse proxy (the limit for any proxy on
# this machine) and through the gateway, which runs with the pod's JVM settings (POD_JVM_OPTS in bench/lib.sh: the
# heap MaxRAMPercentage=75 gives under the operator's 512Mi limit, and the image's parallel collector). Cases, each measured for all three in turn:
#   closed loop   CONNECTIONS connections as fast as they go: req/s, gateway/nginx as a ratio;
#   fixed rates   RATES (Poisson arrivals): p50/p99 and what each proxy adds over direct;
#   stream        a small SSE answer at the first rate: its latency is the first chunk's, nginx sending it whole;
#   streams       (STREAMS=1) bench/streams.sh with STREAM_COUNTS (default 8,000) concurrent streams of a chunk a
#                 second for 20 s, started at 800/s so all are open at once; its own report;
#   soak          (SOAK=1) SOAK_SECONDS at SOAK_RATE through the gateway: resident memory after the first
#                 minute and at the end, as a ratio.
# Every line ends with the CPU steal of its case; the gateway's lines with its CPU time per request.
#
#   bench/compare.sh                                  # closed loop and 1,000 and 2,000 req/s, 20 s per case
#   DURATION=30s ROUNDS=3 STREAMS=1 SOAK=1 bench/compare.sh
#   (SKIP_BUILD=1 reuses the last build; WARMUP in seconds, default 60)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
RATES="${RATES:-1000 2000}"
UPSTREAM_PORT=18301
PROXY_PORT=18302
GW_PORT=18300
MGMT_PORT=19300
out="$root/bench/results/compare"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
ensure_wrk
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "bench: installing nginx (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq nginx-light || apt-get install -y -qq nginx;
  else sudo apt-get update -qq && sudo apt-get install -y -qq nginx; fi
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

build_gateway

# Both nginx instances run in the foreground from their own prefix, so nothing of the system's nginx is used.
# start_nginx NAME SERVER-BLOCK
start_nginx() {
  local prefix="$out/nginx-$1"
  mkdir -p "$prefix/logs" "$prefix/tmp"
  cat >"$prefix/nginx.conf" <<EOF
worker_processes auto;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $prefix/tmp/body;
  proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi;
  uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  keepalive_requests 1000000;
  $2
}
EOF
  "$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' &
  pids+=($!)
}

answer='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-upstream","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fixed upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":6,"total_tokens":9}}'
chunk='{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-upstream","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}'
last='{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-upstream","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}'
# The upstream tells a streamed request by the path the gateway's provider for streams calls (see compare.yaml).
start_nginx upstream "server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location = /v1/chat/completions { default_type application/json; return 200 '$answer'; }
    location = /stream/v1/chat/completions { default_type text/event-stream; return 200 'data: $chunk\n\ndata: $last\n\ndata: [DONE]\n\n'; }
  }"
start_nginx proxy "upstream fixed { server 127.0.0.1:$UPSTREAM_PORT; keepalive 256; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / { proxy_pass http://fixed; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; }
  }"

sed "s/UPSTREAM_PORT/$UPSTREAM_PORT/g" bench/compare/compare.yaml >"$out/compare.yaml"
mkdir -p "$out/gateway-config" && mv "$out/compare.yaml" "$out/gateway-config/"
background "$out/gateway.log" java $POD_JVM_OPTS -jar gateway/target/quarkus-app/quarkus-run.jar run -f "$out/gateway-config" \
  -p "$GW_PORT" --management-port "$MGMT_PORT"
gateway_pid=$started
wait_ready "http://127.0.0.1:$MGMT_PORT/q/health/ready"
wait_listening "http://127.0.0.1:$PROXY_PORT/"

plain='{"model":"bench","messages":[{"role":"user","content":"hello benchmark"}]}'
stream='{"model":"bench-stream","stream":true,"messages":[{"role":"user","content":"hello benchmark"}]}'
direct="http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions"
direct_stream="http://127.0.0.1:$UPSTREAM_PORT/stream/v1/chat/completions"
proxy="http://127.0.0.1:$PROXY_PORT/v1/chat/completions"
proxy_stream="http://127.0.0.1:$PROXY_PORT/stream/v1/chat/completions"
gateway="http://127.0.0.1:$GW_PORT/v1/chat/completions"

# field NAME N: the Nth field of a case's summary line (2 req/s, 5 p50, 11 p99).
field() { awk -v f="$2" '{print $f}' "$out/$1.line"; }
# measure NAME URL BODY [PID]: one case, its summary line kept for the ratios.
measure() {
  if [ -n "${4:-}" ]; then load_with_cpu "$1" "$2" "$3" "" "$4"; else load "$1" "$2" "$3"; fi | tee "$out/$1.line"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "n/a"}'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.2f", a - b}'; }

echo "bench: warming up for ${WARMUP:-60}s" >&2
RATE=1000000000 SERVICE_MS=0 warm gateway-plain "$gateway" "$plain" "" "${WARMUP:-60}s"
RATE=2000 warm gateway-stream "$gateway" "$stream" "" 15s
RATE=1000000000 SERVICE_MS=0 warm proxy-plain "$proxy" "$plain" "" 10s

echo "upstream: fixed-answer nginx; $CONNECTIONS connections; $DURATION per case; gateway $POD_JVM_OPTS;" \
  "load average before: $(cut -d" " -f1-3 /proc/loadavg)"
for round in $(seq 1 "${ROUNDS:-1}"); do
  [ "${ROUNDS:-1}" -eq 1 ] || echo "round $round"
  echo "closed loop"
  # A rate no connection can reach makes every gap zero: each connection sends its next request at once.
  RATE=1000000000 SERVICE_MS=0 measure closed-direct "$direct" "$plain"
  RATE=1000000000 SERVICE_MS=0 measure closed-nginx "$proxy" "$plain"
  RATE=1000000000 SERVICE_MS=0 measure closed-gateway "$gateway" "$plain" "$gateway_pid"
  echo "  gateway/nginx throughput x$(ratio "$(field closed-gateway 2)" "$(field closed-nginx 2)")," \
    "nginx/direct x$(ratio "$(field closed-nginx 2)" "$(field closed-direct 2)")"
  for rate in $RATES; do
    echo "fixed rate $rate req/s"
    RATE=$rate measure "rate$rate-direct" "$direct" "$plain"
    RATE=$rate measure "rate$rate-nginx" "$proxy" "$plain"
    RATE=$rate measure "rate$rate-gateway" "$gateway" "$plain" "$gateway_pid"
    echo "  added over direct: nginx p50 $(added "$(field "rate$rate-nginx" 5)" "$(field "rate$rate-direct" 5)") ms" \
      "p99 $(added "$(field "rate$rate-nginx" 11)" "$(field "rate$rate-direct" 11)") ms;" \
      "gateway p50 $(added "$(field "rate$rate-gateway" 5)" "$(field "rate$rate-direct" 5)") ms" \
      "p99 $(added "$(field "rate$rate-gateway" 11)" "$(field "rate$rate-direct" 11)") ms"
  done
  rate=${RATES%% *}
  echo "stream at $rate req/s (a three-event answer sent whole: its latency is the first chunk's)"
  RATE=$rate measure stream-direct "$direct_stream" "$stream"
  RATE=$rate measure stream-nginx "$proxy_stream" "$stream"
  RATE=$rate measure stream-gateway "$gateway" "$stream" "$gateway_pid"
  echo "  added over direct: nginx p50 $(added "$(field stream-nginx 5)" "$(field stream-direct 5)") ms;" \
    "gateway p50 $(added "$(field stream-gateway 5)" "$(field stream-direct 5)") ms" \
    "p99 $(added "$(field stream-gateway 11)" "$(field stream-direct 11)") ms"
done
echo "gateway resident memory: $(( $(ps -o rss= -p "$gateway_pid") / 1024 )) MB"

if [ -n "${SOAK:-}" ]; then
  soak_seconds="${SOAK_SECONDS:-600}"
  echo "soak: ${soak_seconds}s at ${SOAK_RATE:-2000} req/s through the gateway"
  RATE="${SOAK_RATE:-2000}" DURATION="${soak_seconds}s" load soak-gateway "$gateway" "$plain" >"$out/soak.line" &
  soak=$!
  sleep 60
  first=$(ps -o rss= -p "$gateway_pid")
  wait "$soak"
  cat "$out/soak.line"
  last=$(ps -o rss= -p "$gateway_pid")
  echo "  resident memory after the first minute $(( first / 1024 )) MB, at the end $(( last / 1024 )) MB: x$(ratio "$last" "$first")"
fi

if [ -n "${STREAMS:-}" ]; then
  cleanup
  pids=()
  echo "streams: bench/streams.sh with ${STREAM_COUNTS:-8000} concurrent streams"
  COUNTS="${STREAM_COUNTS:-8000}" RAMP_RATE="${STREAM_RAMP_RATE:-800}" SHAPE=1s SKIP_BUILD=1 bench/streams.sh
fi
