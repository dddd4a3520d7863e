-- wrk: each request takes the next path from the file named by PATHS (one per line), with the bearer token in
-- TOKEN, so the load spreads over many cards as a queue of holders would.
local paths = {}
local index = 0

function init(args)
  for line in io.lines(os.getenv("PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  index = math.random(#paths)
end

function request()
  index = index % #paths + 1
  local headers = {}
  if os.getenv("TOKEN") and #os.getenv("TOKEN") > 0 then headers["Authorization"] = "Bearer " .. os.getenv("TOKEN") end
  return wrk.format("GET", paths[index], headers)
end
