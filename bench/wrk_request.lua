-- wrk requests as the load benchmark sends them. measure.py writes this file's text after three
-- globals and before wrk_report.lua's:
--   COOKIES: session cookies of many signed-in users; each request takes the next one (real
--     traffic comes from many users: each stays within the API's throttle rate). Empty for an
--     endpoint that needs no sign-in.
--   MISS_TEMPLATE: appended to the URL with {n} made "<RUN>-<thread>-<request>", unique (RUN is
--     new for every wrk run, the warm-up's included), so that every request is a cache miss.
--     Empty for the usual requests.
--   RUN: that run's token.
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  requests = 0
end

function request()
  requests = requests + 1
  local path = wrk.path
  if MISS_TEMPLATE ~= "" then
    path = path .. MISS_TEMPLATE:gsub("{n}", RUN .. "-" .. id .. "-" .. requests)
  end
  local headers = nil
  if #COOKIES > 0 then
    -- Threads start apart in the list, so two threads never send the same user at once.
    local n = (id * 7919 + requests) % #COOKIES + 1
    headers = { Cookie = COOKIES[n] }
  end
  return wrk.format(nil, path, headers)
end
