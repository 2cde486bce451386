-- Round-robin over `plan` (set above by bench/load.py); the thread stops after
-- `max_requests` responses, so that a run is bounded in requests as well as in time.
local counter = 0
local answered = 0
local requests = {}

init = function(args)
  for i, entry in ipairs(plan) do
    local headers = {}
    for name, value in pairs(plan_headers) do headers[name] = value end
    if entry.body then headers["Content-Type"] = "application/json" end
    if entry.method == "PATCH" then headers["If-Match"] = "*" end
    requests[i] = wrk.format(entry.method, entry.path, headers, entry.body)
  end
end

request = function()
  counter = counter + 1
  return requests[(counter - 1) % #requests + 1]
end

response = function(status, headers, body)
  answered = answered + 1
  if answered >= max_requests then
    wrk.thread:stop()
  end
end
