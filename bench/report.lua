-- wrk script for python -m bench: counts non-2xx answers (wrk itself counts only >= 400)
-- and prints one line of numbers that bench/__init__.py:parse_wrk reads.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%.0f duration_us=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f"
      .. " non2xx=%.0f connect=%.0f read=%.0f write=%.0f timeout=%.0f status=%.0f\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    bad, errors.connect, errors.read, errors.write, errors.timeout, errors.status
  ))
end
