#!/usr/bin/env bash
# Concurrent-streams benchmark: the OpenAI simulator in its own process, the gateway in front of it (local mode on
# bench/streams, default settings), and StreamLoad (from the test sources, a third process) opening COUNTS
# concurrent streaming requests, each on its own connection, started at RAMP_RATE per second. Every stream lasts
# 30 s (the simulator's drip-30000, ten chunks), or with SHAPE=1s 20 s at a chunk a second (drip-20000-21): start
# them fast enough that all of a case's streams are open at once (count / RAMP_RATE well below the stream's
# length). Each count is measured straight
# at the simulator, then through the gateway. Prints per case: whole streams, errors (by kind), streams open at
# once, time to first byte p50/p99 (gateway/direct as ratios), CPU steal; and the gateway's peak resident memory
# and open files. The simulator, the gateway and the load generator are three JVMs.
#
#   bench/streams.sh                                   # 2,000 and 5,000 streams, started at 250/s
#   COUNTS="500 2000" RAMP_RATE=500 WARMUP_STREAMS=500 ROUNDS=2 SKIP_BUILD=1 bench/streams.sh
#   COUNTS=8000 RAMP_RATE=800 SHAPE=1s bench/streams.sh   # issue 19's case: 8,000 streams of a chunk a second
#   (ROUNDS repeats the direct/gateway pairs; WARMUP_STREAMS, default 1000, warms both paths up first)
#
# The gateway runs with the pod's JVM settings (POD_JVM_OPTS in bench/lib.sh: -Xmx384m, what MaxRAMPercentage=75
# gives under the operator's default memory limit of 512Mi, the figure to hold its peak resident memory against,
# and the parallel collector). Each process stays under
# the open-file limit: at 5,000 streams the gateway holds about 10,000 sockets (clients and upstream).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

COUNTS="${COUNTS:-2000 5000}"
RAMP_RATE="${RAMP_RATE:-250}"
# The simulator's model (direct) and the gateway's model routed to it, and how a stream is described.
case "${SHAPE:-30s}" in
  1s) direct_model=drip-20000-21; gateway_model=streams-1s; chunks=21; shape="20 s at a chunk a second" ;;
  *) direct_model=drip-30000; gateway_model=streams; chunks=10; shape="30 s, ten chunks" ;;
esac
SIM_PORT=18201
GW_PORT=18200
# Health is on the gateway's management port.
MGMT_PORT=19200
out="$root/bench/results"
mkdir -p "$out"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

need=$(( $(echo "$COUNTS" | tr ' ' '\n' | sort -n | tail -1) * 2 + 1000 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  echo "bench: the open-file limit ($(ulimit -n)) is below the $need the gateway needs for the largest case" >&2
  exit 1
fi

build_gateway
classpath=$(test_classpath "$out/streams-classpath.txt")

background "$out/streams-simulator.log" java -Xmx512m -cp "$classpath" dev.switchboard.gateway.testing.OpenAiSimulator "$SIM_PORT"
background "$out/streams-gateway.log" java $POD_JVM_OPTS -jar gateway/target/quarkus-app/quarkus-run.jar run -f bench/streams \
  -p "$GW_PORT" --management-port "$MGMT_PORT"
gateway_pid=$started
wait_ready "http://127.0.0.1:$MGMT_PORT/q/health/ready"
wait_listening "http://127.0.0.1:$SIM_PORT/"

direct="http://127.0.0.1:$SIM_PORT/v1/chat/completions"
gateway="http://127.0.0.1:$GW_PORT/v1/chat/completions"

# One StreamLoad process runs every case in turn (cases in on its standard input, results out), so its JIT is
# warm after the warm-up cases.
coproc LOAD { exec java -Xmx512m -cp "$classpath" dev.switchboard.gateway.testing.StreamLoad 2>"$out/streams-load.err"; }
pids+=($LOAD_PID)

# streams NAME URL MODEL COUNT [PID]: one case; StreamLoad's output in $out/streams-NAME.txt, its summary line
# with the case's CPU steal on stdout. With PID, the most files that process held open during the case too.
streams() {
  local name="$1" url="$2" model="$3" count="$4" pid="${5:-}" steal_before start seconds sampler line files_file
  files_file="$out/streams-$name.files"
  echo 0 >"$files_file"
  if [ -n "$pid" ]; then
    # Samples the open files of PID every half second; the most seen is kept.
    ( most=0; while kill -0 "$pid" 2>/dev/null; do
        n=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
        if [ "$n" -gt "$most" ]; then most=$n; echo "$most" >"$files_file"; fi
        sleep 0.5
      done ) &
    sampler=$!
  fi
  steal_before=$(steal_ticks)
  start=$(date +%s.%N)
  echo "$url $model $count $(( count * 1000 / RAMP_RATE )) $chunks" >&"${LOAD[1]}"
  : >"$out/streams-$name.txt"
  while IFS= read -r line <&"${LOAD[0]}"; do
    [ "$line" = done ] && break
    echo "$line" >>"$out/streams-$name.txt"
  done
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  if [ -n "$pid" ]; then kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; fi
  awk -v name="$name" -v steal="$(( $(steal_ticks) - steal_before ))" -v tck="$(getconf CLK_TCK)" -v cpus="$(nproc)" \
      -v seconds="$seconds" -v files="$(cat "$files_file")" '
    NR == 1 {
      printf "%-16s whole %5d of %5d  errors %5d  open at once %5d  ttfb p50 %8.2f ms  p99 %8.2f ms  steal %4.1f%%",
        name, $4, $2, $6, $8, $10, $12, 100 * steal / (tck * cpus * seconds)
      if (files > 0) printf "  open files %d", files
      printf "\n"
    }
    NR > 1 {print "                 " $0}' "$out/streams-$name.txt"
}

# ratio NAME-A NAME-B FIELD: FIELD of A's summary over B's.
ratio() {
  awk -v f="$3" 'NR == 1 {print $f}' "$out/streams-$1.txt" >"$out/streams-ratio.a"
  awk -v f="$3" 'NR == 1 {print $f}' "$out/streams-$2.txt" >"$out/streams-ratio.b"
  awk 'NR == FNR {a = $1; next} {if ($1 > 0) printf "%.2f", a / $1; else printf "n/a"}' "$out/streams-ratio.a" "$out/streams-ratio.b"
}

peak_rss_mb() {
  awk '/^VmHWM:/ {printf "%d", $2 / 1024}' "/proc/$1/status"
}

echo "bench: gateway up, resident memory $(( $(ps -o rss= -p "$gateway_pid") / 1024 )) MB; warming up" >&2
streams warmup-gateway "$gateway" "$gateway_model" "${WARMUP_STREAMS:-1000}" >/dev/null
streams warmup-direct "$direct" "$direct_model" "${WARMUP_STREAMS:-1000}" >/dev/null

echo "concurrent streams of $shape, started at $RAMP_RATE/s, each on its own connection; gateway: $POD_JVM_OPTS, default settings;" \
  "load average before: $(cut -d" " -f1-3 /proc/loadavg)"
# Each pair measures direct then gateway back to back, so both see the same machine.
for round in $(seq 1 "${ROUNDS:-1}"); do
  [ "${ROUNDS:-1}" -eq 1 ] || echo "round $round"
  for count in $COUNTS; do
    streams "direct-$count" "$direct" "$direct_model" "$count"
    streams "gateway-$count" "$gateway" "$gateway_model" "$count" "$gateway_pid"
    echo "  gateway/direct ttfb p50 x$(ratio "gateway-$count" "direct-$count" 10), p99 x$(ratio "gateway-$count" "direct-$count" 12);" \
      "gateway peak resident memory so far: $(peak_rss_mb "$gateway_pid") MB"
  done
done
