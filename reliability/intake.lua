-- wrk script: POST a valid application (JSON API), each with its own idempotency key.
local counter = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
function init(args)
  counter = 0
end
request = function()
  counter = counter + 1
  local body = string.format([[{"applicant_kind":"natural_person","applicant_name":"张基准","id_doc_kind":"resident_id_card","id_number":"11010519491231002X","phone":"13900000000","subject":"2025年度城乡居民最低生活保障资金发放情况","delivery_form":"electronic","delivery_method":"online","idempotency_key":"w%d-%d"}]], tid, counter)
  return wrk.format("POST", "/api/v1/applications", {["Content-Type"] = "application/json"}, body)
end
