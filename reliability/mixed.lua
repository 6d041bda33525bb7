-- wrk: mixed traffic — public browsing and search 90%, submissions 9%, staff work 1%.
-- STAFF_COOKIE (env) carries a staff session for the 1%.
local paths = {"/", "/catalog", "/reports", "/guide", "/units", "/livelihood", "/interaction", "/applications/new"}
-- Percent-encoded: wrk checks the first request it builds with a strict HTTP parser, which refuses
-- raw UTF-8 in the address ("invalid URL at 1:22"), so a run whose first request was a search stopped.
local function encode(s) return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", c:byte()) end)) end
local queries = {}
for _, q in ipairs({"民生资金", "行政许可", "信息公开", "财政预算", "低保", "规划", "招标", "教育"}) do
  table.insert(queries, encode(q))
end
local staff_cookie = os.getenv("STAFF_COOKIE") or ""
local max_item = tonumber(os.getenv("MAX_ITEM") or "3000")
local n = 0
function init(args) math.randomseed(os.time() + (args[1] and #args[1] or 0)) end
-- Each request from its own address (the server trusts X-Forwarded-For in this run), as the
-- public is many people: the per-address rate limits would otherwise refuse the load itself.
local function from()
  return string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
end
local function format(method, path, headers, body)
  headers = headers or {}
  headers["X-Forwarded-For"] = from()
  return wrk.format(method, path, headers, body)
end
request = function()
  n = n + 1
  local r = math.random(100)
  if r <= 9 then
    local body = string.format([[{"applicant_kind":"natural_person","applicant_name":"负载测试","id_doc_kind":"resident_id_card","id_number":"11010519491231002X","phone":"13900000000","subject":"负载测试申请","delivery_form":"electronic","delivery_method":"online","idempotency_key":"load-%d-%d"}]], math.random(1e9), n)
    return format("POST", "/api/v1/applications", {["Content-Type"] = "application/json"}, body)
  elseif r == 10 and staff_cookie ~= "" then
    return format("GET", "/staff/applications", {["Cookie"] = staff_cookie})
  elseif r <= 40 then
    local q = queries[math.random(#queries)]
    return format("GET", "/api/v1/search?q=" .. q)
  elseif r <= 70 then
    return format("GET", "/items/" .. math.random(max_item))
  else
    return format("GET", paths[math.random(#paths)])
  end
end
