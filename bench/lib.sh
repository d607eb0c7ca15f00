# Shared by the bench scripts: the load generator and how its output is summarised.
# shellcheck shell=bash

# The gateway's JVM as the image runs it in a pod under the operator's default 512Mi limit: MaxRAMPercentage=75 gives
# 384 MB of heap, and the image names the parallel collector.
POD_JVM_OPTS="-Xmx384m -XX:+UseParallelGC"

# wrk (a Debian package) drives the load; bench/wrk/poisson.lua paces it at a fixed rate with Poisson arrivals.
ensure_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    echo "bench: installing wrk (Debian package)" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
  fi
}

# load NAME URL BODY [AUTH]: RATE requests/s over CONNECTIONS connections for DURATION; raw output in $out/NAME.txt,
# one summary line on stdout. SERVICE_MS (default 2) is subtracted from each connection's mean gap so the
# achieved rate lands near RATE. The line ends with the CPU time the hypervisor took from this machine during
# the case (steal, as a share of all CPU time): on a shared virtual machine it, not the code, can decide a p99.
load() {
  local name="$1" url="$2" body="$3" auth="${4:-}" steal_before
  steal_before=$(steal_ticks)
  BENCH_RATE="$RATE" BENCH_CONNECTIONS="$CONNECTIONS" BENCH_SERVICE_MS="${SERVICE_MS:-2}" BENCH_BODY="$body" BENCH_AUTH="$auth" \
    wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" --latency -s "$root/bench/wrk/poisson.lua" "$url" >"$out/$name.txt"
  echo "Steal ticks: $(( $(steal_ticks) - steal_before )) of $(( $(getconf CLK_TCK) * $(nproc) )) per second" >>"$out/$name.txt"
  summarise "$name" "$out/$name.txt"
}

# The machine-wide steal counter of /proc/stat, in clock ticks.
steal_ticks() {
  awk '/^cpu / {print $9}' /proc/stat
}

# CPU time (user + system) PID has used so far, in clock ticks. The command name in /proc/PID/stat is in
# parentheses and may hold spaces, so fields are counted from its closing parenthesis.
process_ticks() {
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# load_with_cpu NAME URL BODY [AUTH] PID: load, then the CPU time PID spent per request during it.
load_with_cpu() {
  local before line requests
  before=$(process_ticks "$5")
  line=$(load "$1" "$2" "$3" "$4")
  requests=$(awk '/requests in/ {print $1}' "$out/$1.txt")
  echo "$line  cpu $(( ($(process_ticks "$5") - before) * 1000000 / $(getconf CLK_TCK) / requests )) us/req"
}

# warm NAME URL BODY [AUTH] SECONDS: the same load, output discarded (JIT warm-up).
warm() {
  local saved="$DURATION"
  DURATION="$5" load "warmup-$1" "$2" "$3" "$4" >/dev/null
  DURATION="$saved"
}

summarise() {
  awk -v name="$1" '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    /^ +50% / {p50 = ms($2)}
    /^ +90% / {p90 = ms($2)}
    /^ +99% / {p99 = ms($2)}
    /requests in/ {total = $1; took = $4; sub(/,$/, "", took); seconds = ms(took) / 1000}
    /Non-2xx or 3xx responses:/ {errors += $5}
    /Socket errors:/ {gsub(",", ""); errors += $4 + $6 + $8 + $10}
    /^Requests\/sec:/ {rps = $2}
    /^Steal ticks:/ {steal = (seconds > 0) ? 100 * $3 / ($5 * seconds) : 0}
    END {printf "%-22s %8.1f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  errors %d of %d  steal %4.1f%%\n", name, rps, p50, p90, p99, errors, total, steal}
  ' "$2"
}

# build_gateway: the gateway's jar, unless SKIP_BUILD=1 reuses the last one (package, not install: the reactor builds
# api first, and nothing is written to the local repository).
build_gateway() {
  if [ -z "${SKIP_BUILD:-}" ]; then
    echo "bench: building" >&2
    ./mvnw -B -q -pl gateway -am package -DskipTests
  fi
}

# test_classpath FILE: prints the classpath of the test classes, which the simulators and load generators run from;
# FILE keeps it for runs that skip the build.
test_classpath() {
  if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$1" ]; then
    ./mvnw -B -q -pl gateway -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$1" >&2
  fi
  echo "gateway/target/test-classes:$(cat "$1")"
}

# Every process started with `background` is stopped when the script exits.
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' INT TERM

# background LOG COMMAND...: runs COMMAND with its output in LOG; its pid is left in $started.
background() {
  local log="$1"
  shift
  "$@" >"$log" 2>&1 &
  started=$!
  pids+=("$started")
}

# wait_ready URL: waits until URL answers with a success (a gateway's readiness) for a minute at most, else fails.
wait_ready() {
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.5
  done
  echo "bench: $1 did not come up" >&2
  exit 1
}

# wait_listening URL: waits until anything answers HTTP at URL (the simulators answer a GET with 404), at most a minute.
wait_listening() {
  local code
  for _ in $(seq 1 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
    if [ "$code" != "000" ]; then return 0; fi
    sleep 0.5
  done
  echo "bench: nothing listens at $1" >&2
  exit 1
}
