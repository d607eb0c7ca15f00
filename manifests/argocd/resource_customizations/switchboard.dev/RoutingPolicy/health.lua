-- Argo CD health of a switchboard.dev RoutingPolicy, read from the status the Switchboard operator writes
-- (docs/operator.md, "Status"). Invalid settings (Accepted False), broken references (ResolvedRefs False)
-- and a failing reconcile are Degraded; gateway pods that do not serve the current routing table yet
-- (Programmed False: NoReadyReplicas, Pending) are Progressing; Ready True is Healthy.
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
local conditions = obj.status.conditions
local ready = condition(conditions, "Ready")
-- A failed reconcile keeps the previous status.observedGeneration but stamps Ready with the current
-- generation, so it is checked before the generation test below, which would otherwise wait forever.
if ready ~= nil and ready.status == "False" and ready.reason == "ReconcileError" then
  hs.status = "Degraded"
  hs.message = ready.reason .. ": " .. ready.message
  return hs
end
-- A status written for an older spec says nothing about the current one.
local generation = obj.metadata.generation
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the Switchboard operator to observe generation " .. generation
  return hs
end

local accepted = condition(conditions, "Accepted")
local resolved = condition(conditions, "ResolvedRefs")
local programmed = condition(conditions, "Programmed")
if accepted ~= nil and accepted.status == "False" then
  hs.status = "Degraded"
  hs.message = "Accepted " .. accepted.reason .. ": " .. accepted.message
elseif resolved ~= nil and resolved.status == "False" then
  hs.status = "Degraded"
  hs.message = "ResolvedRefs " .. resolved.reason .. ": " .. resolved.message
elseif programmed ~= nil and programmed.status == "False" then
  hs.status = "Progressing"
  hs.message = "Programmed " .. programmed.reason .. ": " .. programmed.message
elseif ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
else
  hs.status = "Progressing"
  hs.message = "Waiting for condition Ready"
end
return hs
