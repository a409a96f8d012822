-- wrk script for bench/loganalytics_http.py: POST /logs/ingest with events never sent before.
-- Arguments: TOKEN EVENTS_PER_REQUEST FIRST_JOB. Each thread numbers its own jobs, so every
-- request carries new (job, task) ids and stores rows; one job holds one request's events.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  per_request = tonumber(args[2])
  first_job = tonumber(args[3]) + thread_number * 100000000
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Token " .. token
  wrk.headers["Content-Type"] = "application/x-ndjson"
end

function request()
  counter = counter + 1
  local job = first_job + counter
  local lines = {}
  for task = 0, per_request - 1 do
    lines[#lines + 1] = string.format(
      '{"event":"SparkListenerTaskEnd","app_id":"bench","job_id":%d,"task_id":%d,' ..
      '"timestamp":%d,"duration_ms":%d,"successful":%s}',
      job, task, 1767261600000 + task, 100 + task % 50, task % 20 ~= 0 and "true" or "false")
  end
  return wrk.format(nil, "/logs/ingest", nil, table.concat(lines, "\n"))
end
