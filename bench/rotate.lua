-- wrk script for python -m bench: each request is the next line of a file, so that a run
-- goes through many learners, attempts and questions (first views, Check answer) instead
-- of asking for one page again and again. A line is tab-separated:
--   method <TAB> path <TAB> cookie <TAB> csrf token <TAB> htmx (1/0) <TAB> form body
-- Usage: wrk ... -s rotate.lua http://host:port -- requests.tsv
-- It prints the same BENCH line as report.lua, plus how many requests came after the
-- last line was used once (wrapped): those repeat a request already made.
-- Every GET gets a query parameter of its own (fresh=<thread>-<n>), which the pages
-- ignore: the whole-page cache (quizzes/pages.py) neither serves nor keeps a page asked
-- for with a query string, so no first view, not even a repeated one, comes from it;
-- each builds its page.
local threads = {}
local lines = {}
local index = 0
local salt = 0

local function split(line)
  local fields, start = {}, 1
  while true do
    local stop = string.find(line, "\t", start, true)
    if not stop then
      table.insert(fields, string.sub(line, start))
      return fields
    end
    table.insert(fields, string.sub(line, start, stop - 1))
    start = stop + 1
  end
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  wrapped = 0
  math.randomseed(os.time() + os.clock() * 1000000)
  salt = math.random(1, 1000000000)
  for line in io.lines(args[1]) do
    if #line > 0 then
      local f = split(line)
      local headers = { ["Cookie"] = f[3] }
      if f[4] ~= "" then headers["X-CSRFToken"] = f[4] end
      if f[5] == "1" then headers["HX-Request"] = "true" end
      local body = nil
      if f[1] == "POST" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = f[6]
      end
      table.insert(lines, { method = f[1], path = f[2], headers = headers, body = body })
    end
  end
end

local function formatted(line)
  if line.method ~= "GET" then
    return wrk.format(line.method, line.path, line.headers, line.body)
  end
  local separator = "?"
  if string.find(line.path, "?", 1, true) then separator = "&" end
  local path = line.path .. separator .. "fresh=" .. salt .. "-" .. index
  return wrk.format(line.method, path, line.headers, line.body)
end

function request()
  index = index + 1
  if index > #lines then
    wrapped = wrapped + 1
    return formatted(lines[((index - 1) % #lines) + 1])
  end
  return formatted(lines[index])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad, again = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    again = again + thread:get("wrapped")
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%.0f duration_us=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f"
      .. " non2xx=%.0f connect=%.0f read=%.0f write=%.0f timeout=%.0f status=%.0f wrapped=%.0f\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    bad, errors.connect, errors.read, errors.write, errors.timeout, errors.status, again
  ))
end
