#!/usr/bin/env bash
# Cost of token verification on the hot path: the same gateway and OpenAI simulator as bench/run.sh, measured at a
# fixed request rate with wrk (Poisson arrivals, bench/lib.sh), three times with one client:
#   key             the client identified by its client key (the reference: a SHA-256 and a map lookup)
#   token-cached    the client identified by an RS256 JWT (a ServiceAccount token), verified once and then found in
#                   the cache of verified tokens by its digest
#   token-verified  the same token with the cache off (switchboard.identity.token-cache-size=0): parsed, its
#                   signature verified and its claims checked on every request
# The issuer's JWK set is served by a local process (BenchIssuer, from the test classes) and fetched once; no request
# waits for it. The figure that matters is the gateway's CPU time per request, next to the reference in the same run.
#
#   bench/identity.sh                        # 1000 requests/s for 30 s per case, 60 s warm-up per case
#   RATE=500 DURATION=20s WARMUP=25 ROUNDS=3 SKIP_BUILD=1 bench/identity.sh
#   (ROUNDS repeats the three cases back to back, so each round's cases see about the same machine)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

RATE="${RATE:-1000}"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-60}"
CONNECTIONS="${CONNECTIONS:-50}"
SIM_PORT=18181
GW_PORT=18180
# Health is on the gateway's management port.
MGMT_PORT=19180
ISSUER_PORT=18182
CLIENT_KEY="sk-bench-client"
out="$root/bench/results/identity"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
ensure_wrk

build_gateway
classpath=$(test_classpath "$out/test-classpath.txt")

background "$out/simulator.log" java -cp "$classpath" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT"
rm -f "$out/token"
background "$out/issuer.log" java -cp "$classpath" dev.switchboard.gateway.testing.BenchIssuer "$ISSUER_PORT" "$out/token"
for _ in $(seq 1 120); do [ -s "$out/token" ] && break; sleep 0.5; done
[ -s "$out/token" ] || { echo "bench: the issuer did not start" >&2; exit 1; }
token="$(cat "$out/token")"

# One resource directory: the bench Provider and ModelGroup, and a policy with a key client and a token client that
# are configured alike (no limits, so only identity differs).
cases="$out/cases"
rm -rf "$cases" && mkdir -p "$cases/identity"
{
  awk 'BEGIN {RS="---\n"} !/kind: RoutingPolicy/ {printf "%s---\n", $0}' bench/resources/bench.yaml
  cat <<YAML
kind: Secret
apiVersion: v1
metadata:
  name: bench-clients
  labels: {switchboard.dev/usable: "true"}
stringData:
  bench: $CLIENT_KEY
---
apiVersion: switchboard.dev/v1alpha1
kind: RoutingPolicy
metadata:
  name: bench
spec:
  access:
    issuers:
    - name: bench
      issuer: http://127.0.0.1:$ISSUER_PORT/bench
      audiences: [bench]
    clients:
    - name: bench-key
      keyRef: {name: bench-clients, key: bench}
      models: ["bench*"]
    - name: bench-token
      token: {issuer: bench, subject: "system:serviceaccount:bench:*"}
      models: ["bench*"]
YAML
} >"$cases/identity/bench.yaml"

plain='{"model":"bench","messages":[{"role":"user","content":"hello benchmark"}]}'
echo "rate $RATE req/s, $CONNECTIONS connections, $DURATION per case (after ${WARMUP}s warm-up); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "${ROUNDS:-1}"); do
  [ "${ROUNDS:-1}" -eq 1 ] || echo "round $round; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for name in key token-cached token-verified; do
    cache=10000
    [ "$name" = token-verified ] && cache=0
    java -Xmx256m -Dswitchboard.identity.token-cache-size="$cache" -jar gateway/target/quarkus-app/quarkus-run.jar run -f "$cases/identity" \
      -p "$GW_PORT" --management-port "$MGMT_PORT" >"$out/gateway-$name.log" 2>&1 &
    gateway_pid=$!
    wait_ready "http://127.0.0.1:$MGMT_PORT/q/health/ready"
    auth="Bearer $token"
    [ "$name" = key ] && auth="Bearer $CLIENT_KEY"
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: $auth" -H 'content-type: application/json' -d "$plain" \
      "http://127.0.0.1:$GW_PORT/v1/chat/completions")
    [ "$status" = 200 ] || { echo "bench: $name answered $status before the load" >&2; exit 1; }
    warm "$name" "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$plain" "$auth" "${WARMUP}s"
    load_with_cpu "$name" "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$plain" "$auth" "$gateway_pid"
    kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true
  done
done
