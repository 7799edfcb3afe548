-- wrk requests that are each a cache miss: the URL plus MISS_TEMPLATE, whose {n} becomes
-- "<RUN>-<thread>-<request>" (unique: RUN is new for every wrk run, the warm-up's included).
-- measure.py writes this file's text, with MISS_TEMPLATE and RUN set, before wrk_report.lua's.
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
  local key = RUN .. "-" .. id .. "-" .. requests
  return wrk.format(nil, wrk.path .. MISS_TEMPLATE:gsub("{n}", key))
end
