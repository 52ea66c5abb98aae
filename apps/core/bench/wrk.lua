-- Written into a temporary script by apps/core/bench: cycles through the scenario's
-- requests, counts the answers by status, follows a 303 when the scenario says so, and
-- prints one machine-readable summary line ("BENCH {json}").
local requests = {
--REQUESTS--
}
local follow = --FOLLOW--
local counter = 0
local pending = {}
statuses = {}
followed = 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- Each wrk thread starts at a different place in the list.
  counter = math.random(#requests)
end

function request()
  local headers = {
    ["X-Forwarded-Proto"] = "https",
    ["Accept-Encoding"] = "gzip",
  }
  if #pending > 0 then
    -- The results page a search led to, as the browser would load it.
    followed = followed + 1
    return wrk.format("GET", table.remove(pending, 1), headers, nil)
  end
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  if r[1] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Origin"] = "--ORIGIN--"
  end
  return wrk.format(r[1], r[2], headers, r[3] ~= "" and r[3] or nil)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if follow and status == 303 then
    local location = headers["Location"] or headers["location"]
    if location then
      location = string.gsub(location, "^https?://[^/]+", "")
      table.insert(pending, location)
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local counts, total_followed = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
    total_followed = total_followed + thread:get("followed")
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"statuses": {%s}, "followed": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ", "), total_followed))
end
