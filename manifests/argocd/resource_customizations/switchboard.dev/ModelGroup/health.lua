-- Argo CD health of a switchboard.dev ModelGroup, read from the status the Switchboard operator writes
-- (docs/operator.md, "Status"). Healthy needs every target resolved: a group that serves some targets
-- while others name a missing Provider or model is Degraded, because Git declares something that is not served.
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
local resolved = condition(obj.status.conditions, "ResolvedRefs")
if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = ready.reason .. ": " .. ready.message
elseif resolved ~= nil and resolved.status == "False" then
  hs.status = "Degraded"
  hs.message = resolved.reason .. ": " .. resolved.message
elseif ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
else
  hs.status = "Progressing"
  hs.message = "Waiting for condition Ready"
end
return hs
