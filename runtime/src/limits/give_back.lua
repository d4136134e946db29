-- Gives back one reservation of the shared GCRA bucket (a call cancelled while it waited for
-- its slot, or one that will not wait that long): the TAT moves one interval earlier, never
-- before now.
-- KEYS[1]  the bucket (its TAT, microseconds of Redis TIME)
-- ARGV[1]  emission interval, microseconds
-- Returns 1 when a reservation was given back, 0 when the bucket had expired.

if redis.replicate_commands then
  pcall(redis.replicate_commands)
end

local stored = redis.call('GET', KEYS[1])
if not stored then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(stored) - tonumber(ARGV[1])
if tat < now then
  tat = now
end
local ttl_ms = math.floor((tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', ttl_ms)
return 1
