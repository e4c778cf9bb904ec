-- wrk script for benchmarks/load.py: POST /search with JSON bodies read from $BODIES (one per line),
-- each connection walking the list from its own offset; prints the summary as one JSON line.
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
local counter = 0
local threads = 0

setup = function(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

request = function()
  counter = counter + 1
  local body = bodies[(counter + (offset or 0)) % #bodies + 1]
  return wrk.format("POST", "/search", { ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
