#!/usr/bin/env bash
# Fault-schedule soak: FaultScheduleTest (gateway tests) with more seeds and more requests per seed than CI runs.
# Every seed drives REQUESTS requests, started at RATE per second and at most CONCURRENCY at a time, through the gateway's real HTTP path against simulators
# that each follow their own seeded schedule of faults, with two table reloads and client disconnects mixed in, and
# checks the same promises as CI: liveness within the deadline, whole answers or typed errors, nothing leaked,
# metering that adds up, allow-lists held. Prints one line per seed (what became of its requests) and the seeds
# that broke a promise, each with the command that replays it.
#
#   bench/faults.sh                                   # 20 random seeds, 400 requests each, 80/s, at most 32 at a time
#   SEEDS=50 REQUESTS=600 RATE=120 CONCURRENCY=48 bench/faults.sh
#   SEED=123 bench/faults.sh                          # replay one seed (with the REQUESTS, RATE, CONCURRENCY it ran with)
#
# The seed alone decides each request and the fault every upstream call meets; timing (which breaker opened first,
# which key was cooling down) is the machine's, so a replay meets the same faults but may take other turns.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

SEEDS="${SEEDS:-20}"
REQUESTS="${REQUESTS:-400}"
CONCURRENCY="${CONCURRENCY:-32}"
RATE="${RATE:-80}"
out="$root/bench/results"
mkdir -p "$out"
log="$out/faults.txt"

properties=(-Dswitchboard.faults.requests="$REQUESTS" -Dswitchboard.faults.concurrency="$CONCURRENCY" -Dswitchboard.faults.rate="$RATE")
if [ -n "${SEED:-}" ]; then
  properties+=(-Dswitchboard.faults.seed="$SEED")
else
  properties+=(-Dswitchboard.faults.seeds="$SEEDS")
fi

if [ -n "${SEED:-}" ]; then what="seed $SEED"; else what="$SEEDS random seeds"; fi
echo "bench: fault-schedule soak, $what, $REQUESTS requests each, $RATE started per second, at most $CONCURRENCY at a time" >&2
status=0
# test, not install: the reactor builds api first, and nothing is written to the local repository.
nice -n 5 ./mvnw -B -pl gateway -am test -Dtest=FaultScheduleTest -Dsurefire.failIfNoSpecifiedTests=false \
  "${properties[@]}" >"$log" 2>&1 || status=$?

grep -E '^fault schedule: seed ' "$log" | sed 's/^fault schedule: //' || true
broken=$(grep -oE 'seed -?[0-9]+ \(replay: [^)]*\) broke [0-9]+ promise' "$log" | sort -u || true)
if [ -n "$broken" ]; then
  echo "broken:"
  echo "$broken" | sed -E 's/^seed (-?[0-9]+) \(replay: ([^)]*)\) broke ([0-9]+) promise/  seed \1: \3 promise(s); replay: SEED=\1 bench\/faults.sh (\2)/'
  echo "details in $log"
elif [ "$status" -ne 0 ]; then
  echo "the run failed before any seed was judged; see $log" >&2
else
  echo "every seed kept every promise ($(grep -cE '^fault schedule: seed ' "$log") seeds)"
fi
exit "$status"
