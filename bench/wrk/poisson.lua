-- A fixed request rate with realistic arrivals for wrk. Each connection waits an exponentially distributed
-- gap before each request, so arrivals over all connections form a Poisson process at BENCH_RATE per second.
-- (hey's -q paces each worker with its own ticker; the tickers start together, so it sends bursts of
-- -c requests at once and measures queueing behind the burst rather than per-request latency.)
-- wrk measures each request from its write, so the gaps are not counted as latency.
--
-- Environment: BENCH_RATE (requests/s over all connections), BENCH_CONNECTIONS (wrk -c),
-- BENCH_SERVICE_MS (expected service time, subtracted from the mean gap so the achieved rate is close to
-- BENCH_RATE), BENCH_BODY (JSON request body), BENCH_AUTH (optional Authorization header value),
-- BENCH_CACHE_CONTROL (optional Cache-Control header value).
local mean_gap_ms

function init(args)
  local rate = tonumber(os.getenv("BENCH_RATE"))
  local connections = tonumber(os.getenv("BENCH_CONNECTIONS"))
  local service_ms = tonumber(os.getenv("BENCH_SERVICE_MS") or "0")
  mean_gap_ms = math.max(connections * 1000 / rate - service_ms, 0)
  wrk.method = "POST"
  wrk.body = os.getenv("BENCH_BODY")
  wrk.headers["Content-Type"] = "application/json"
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then
    wrk.headers["Authorization"] = auth
  end
  local cache_control = os.getenv("BENCH_CACHE_CONTROL")
  if cache_control and cache_control ~= "" then
    wrk.headers["Cache-Control"] = cache_control
  end
  -- Every thread gets its own generator state; seed them apart.
  math.randomseed(os.time() * 1000 + tonumber(tostring({}):match("0x(%x+)"), 16) % 1000)
end

function delay()
  return -mean_gap_ms * math.log(1 - math.random())
end
