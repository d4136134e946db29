-- One request against a shared GCRA bucket, atomically (Redis runs a script alone).
-- KEYS[1]  the bucket: its theoretical arrival time (TAT), microseconds of Redis TIME
-- KEYS[2]  the method's operating-time pause: unix milliseconds, set by a worker that was told
--          OPERATION_TIME_LIMIT (absent when there is none; it expires with the pause)
-- ARGV[1]  emission interval, microseconds (1e6 / requests per second)
-- ARGV[2]  burst
-- ARGV[3]  the caller's unix milliseconds (a pause that has passed for it does not hold it)
-- ARGV[4]  1 when the caller comes back from its local fallback: a missing bucket then starts
--          full (Redis restarted and lost it, while the portal's bucket was kept full)
-- Returns {wait_us, paused_until_ms}: a paused call reserves nothing and gets {0, until};
-- otherwise the request is reserved now and may be sent after wait_us: {wait_us, 0}.

-- Redis < 5 replicates scripts verbatim unless told to replicate effects (TIME is not pure).
if redis.replicate_commands then
  pcall(redis.replicate_commands)
end

local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > tonumber(ARGV[3]) then
  return {0, paused}
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])

local stored = redis.call('GET', KEYS[1])
local tat
if stored then
  tat = tonumber(stored)
elseif ARGV[4] == '1' then
  tat = now + (burst - 1) * interval
else
  tat = now
end
if tat < now then
  tat = now
end
-- Up to `burst` requests may be ahead of the TAT; this one goes when it is within that window.
local wait = tat - (burst - 1) * interval - now
if wait < 0 then
  wait = 0
end
local new_tat = tat + interval
-- The key lives as long as it holds anything: an idle bucket is a full one.
local ttl_ms = math.floor((new_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', ttl_ms)
return {wait, 0}
