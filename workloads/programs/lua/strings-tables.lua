-- mmbench program input: string building and table churn. Usage:
-- lua5.4 strings-tables.lua N. Each of N rounds builds strings by
-- concatenation and formatting, fills a table keyed by them, removes every
-- other entry, and keeps a window of recent tables alive.
local n = tonumber(arg and arg[1]) or 60
local window, keep = {}, 8
local sum = 0
for round = 1, n do
  local t = {}
  local parts = {}
  for i = 1, 2000 do
    local s = "k" .. round .. ":" .. i .. string.rep("x", i % 37)
    t[s] = { i, round, s:upper() }
    parts[#parts + 1] = s:sub(1, 8)
  end
  local joined = table.concat(parts, ",")
  sum = (sum + #joined) % 1000000007
  local removed = 0
  for k, v in pairs(t) do
    if v[1] % 2 == 0 then t[k] = nil; removed = removed + 1 end
  end
  local arr = {}
  for i = 1, 3000 do arr[i] = (i * round) % 1009 end
  table.sort(arr)
  sum = (sum + arr[1500] + removed) % 1000000007
  window[(round % keep) + 1] = t
end
print(string.format("rounds %d checksum %d", n, sum))
print("strings-tables done")
