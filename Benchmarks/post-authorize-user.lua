-- wrk script: POST /authorize/user with the development client secret (local-runner/env.json).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"bungieMembershipId":"12345678","destinyMembershipIds":["4611686018488107374","4611686018488107375"],"clientSecret":"development-only-client-secret"}'

-- Any status but 200 counts as an error, so the run proves every request was answered properly.
response = function(status, headers, body)
  if status ~= 200 then
    wrk.thread:set("bad", (wrk.thread:get("bad") or 0) + 1)
  end
end
