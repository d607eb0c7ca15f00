-- Argo CD health of a switchboard.dev Provider, read from the status the Switchboard operator writes
-- (docs/operator.md, "Status"). Ready True: usable. Ready False: the spec is refused (Accepted), the Secret is
-- missing, did not opt in or is incomplete (CredentialsResolved), or model discovery cannot reach the upstream
-- (Reachable); each needs a person.
local hs = {}

local function condition(conditions, conditionType)
  for _, c in ipairs(conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Switchboard operator to report status"
  return hs
end
-- A status written for an older spec says nothing about the current one.
local generation = obj.metadata.generation
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the Switchboard operator to observe generation " .. generation
  return hs
end

local ready = condition(obj.status.conditions, "Ready")
if ready == nil or ready.status == "Unknown" then
  hs.status = "Progressing"
  hs.message = "Waiting for condition Ready"
elseif ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
else
  hs.status = "Degraded"
  hs.message = ready.reason .. ": " .. ready.message
end
return hs
