-- mmbench program input: binary trees (after the GCBench / benchmarks-game
-- shape). Usage: lua5.4 binary-trees.lua N. A long-lived tree of depth 14
-- stays up while N rounds build and walk short-lived trees of depths 8..16.
-- Prints deterministic check sums only.
local n = tonumber(arg and arg[1]) or 40

local function make(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { make(depth), make(depth) }
end

local function check(tree)
  if tree[1] then return 1 + check(tree[1]) + check(tree[2]) end
  return 1
end

local long_lived = make(14)
local total = 0
for round = 1, n do
  local depth = 8 + (round % 5) * 2
  local t = make(depth)
  total = total + check(t)
end
print(string.format("rounds %d nodes %d long-lived %d", n, total, check(long_lived)))
print("binary-trees done")
