-- wrk: mixed traffic — public browsing and search 90%, submissions 9%, staff work 1%.
-- STAFF_COOKIE (env) carries a staff session for the 1%.
local paths = {"/", "/catalog", "/reports", "/guide", "/units", "/livelihood", "/interaction", "/applications/new"}
local queries = {"民生资金", "行政许可", "信息公开", "财政预算", "低保", "规划", "招标", "教育"}
local staff_cookie = os.getenv("STAFF_COOKIE") or ""
local max_item = tonumber(os.getenv("MAX_ITEM") or "1000")
local n = 0
function init(args) math.randomseed(os.time() + (args[1] and #args[1] or 0)) end
request = function()
  n = n + 1
  local r = math.random(100)
  if r <= 9 then
    local body = string.format([[{"applicant_kind":"natural_person","applicant_name":"负载测试","id_doc_kind":"resident_id_card","id_number":"11010519491231002X","phone":"13900000000","subject":"负载测试申请","delivery_form":"electronic","delivery_method":"online","idempotency_key":"load-%d-%d"}]], math.random(1e9), n)
    return wrk.format("POST", "/api/v1/applications", {["Content-Type"] = "application/json"}, body)
  elseif r == 10 and staff_cookie ~= "" then
    return wrk.format("GET", "/staff/applications", {["Cookie"] = staff_cookie})
  elseif r <= 40 then
    local q = queries[math.random(#queries)]
    return wrk.format("GET", "/api/v1/search?q=" .. q)
  elseif r <= 70 then
    return wrk.format("GET", "/items/" .. math.random(max_item))
  else
    return wrk.format("GET", paths[math.random(#paths)])
  end
end
