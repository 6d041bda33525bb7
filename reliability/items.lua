-- wrk script: GET /items/{id} over random ids 1..N (N = the first argument after --).
local n = 100000
function init(args)
  n = tonumber(args[1]) or n
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
request = function()
  return wrk.format("GET", "/items/" .. math.random(1, n))
end
