#!/usr/bin/env bash
# Request policy benchmark: the cost of a response-cache hit against a miss, and the per-request cost of a no-op
# PreCall hook on loopback, against references measured in the same run. One gateway (bench/policies) serves three
# models over the OpenAI simulator: bench (no policy: the reference), bench-cached (cache on) and bench-hooked (one
# HTTP PreCall hook answering allow, from the HookServer of the test classes on loopback). Cases, back to back:
#   direct   the simulator alone
#   plain    the gateway, no policy
#   miss     bench-cached with Cache-Control: no-cache, so every request is keyed, sent upstream and stored (a miss
#            without its lookup, which is one map read in memory)
#   hit      bench-cached: every request after the first is served from the in-memory cache
#   hooked   bench-hooked: every request waits for the hook service's answer first
# Prints throughput, latency percentiles, errors and steal per case, the gateway's CPU time per request, and the ratios.
#
#   bench/policies.sh       # 500 requests/s for 30 s per case
#   RATE=300 DURATION=15s WARMUP=20 SKIP_BUILD=1 bench/policies.sh   (WARMUP in seconds)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-500}"
DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-50}"
SIM_PORT=18191
GW_PORT=18196
GW_MGMT=19196
HOOK_PORT=18195
out="$root/bench/results"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
ensure_wrk
build_gateway
classpath="$(test_classpath "$out/test-classpath.txt")"

for port in "$SIM_PORT" "$HOOK_PORT" "$GW_PORT" "$GW_MGMT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "bench: port $port is already in use; stop what listens there first" >&2
    exit 1
  fi
done
background "$out/policies-simulator.log" java -cp "$classpath" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT"
background "$out/policies-hook.log" java -Xmx128m -cp "$classpath" dev.switchboard.gateway.testing.HookServer "$HOOK_PORT"
background "$out/policies-gateway.log" java -Xmx256m -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/policies \
  -p "$GW_PORT" --management-port "$GW_MGMT"
gw_pid=$started
wait_ready "http://127.0.0.1:$GW_MGMT/q/health/ready"
wait_listening "http://127.0.0.1:$SIM_PORT/"
wait_listening "http://127.0.0.1:$HOOK_PORT/"

body() { echo "{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"hello benchmark\"}]}"; }
direct="http://127.0.0.1:$SIM_PORT/v1/chat/completions"
gateway="http://127.0.0.1:$GW_PORT/v1/chat/completions"

echo "bench: warming up for ${WARMUP:-40}s" >&2
warm policies-plain "$gateway" "$(body bench)" "" "${WARMUP:-40}s"
BENCH_CACHE_CONTROL=no-cache warm policies-miss "$gateway" "$(body bench-cached)" "" "${WARMUP:-40}s"
warm policies-hit "$gateway" "$(body bench-cached)" "" "${WARMUP:-40}s"
warm policies-hooked "$gateway" "$(body bench-hooked)" "" "${WARMUP:-40}s"
warm policies-direct "$direct" "$(body bench-upstream)" "" 10s

echo "rate $RATE req/s (Poisson arrivals), $CONNECTIONS connections, $DURATION per case; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
load policies-direct "$direct" "$(body bench-upstream)"
load_with_cpu policies-plain "$gateway" "$(body bench)" "" "$gw_pid"
BENCH_CACHE_CONTROL=no-cache load_with_cpu policies-miss "$gateway" "$(body bench-cached)" "" "$gw_pid"
load_with_cpu policies-hit "$gateway" "$(body bench-cached)" "" "$gw_pid"
load_with_cpu policies-hooked "$gateway" "$(body bench-hooked)" "" "$gw_pid"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

p50() { awk '/^ +50% / {v=$2; if (v ~ /us$/) print substr(v,1,length(v)-2)/1000; else if (v ~ /ms$/) print substr(v,1,length(v)-2)+0; else print substr(v,1,length(v)-1)*1000}' "$out/$1.txt"; }
ratio() { awk -v a="$(p50 "$1")" -v b="$(p50 "$2")" -v label="$3" 'BEGIN {printf "%-44s %6.2f (p50 %.2f ms / %.2f ms)\n", label, a / b, a, b}'; }
ratio policies-hit policies-miss "hit / miss"
ratio policies-hit policies-plain "hit / no policy"
ratio policies-miss policies-plain "miss / no policy"
ratio policies-hooked policies-plain "no-op PreCall hook / no policy"
awk -v a="$(p50 policies-hooked)" -v b="$(p50 policies-plain)" 'BEGIN {printf "%-44s %6.2f ms at p50\n", "no-op PreCall hook adds", a - b}'
