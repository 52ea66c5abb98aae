-- Written into a temporary script by apps/core/bench: cycles through the scenario's
-- requests and prints one machine-readable summary line ("BENCH {json}").
local requests = {
--REQUESTS--
}
local counter = 0

function init(args)
  -- Each wrk thread starts at a different place in the list.
  counter = math.random(#requests)
end

function request()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  local headers = {
    ["X-Forwarded-Proto"] = "https",
    ["Accept-Encoding"] = "gzip",
  }
  if r[1] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Origin"] = "--ORIGIN--"
  end
  return wrk.format(r[1], r[2], headers, r[3] ~= "" and r[3] or nil)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
