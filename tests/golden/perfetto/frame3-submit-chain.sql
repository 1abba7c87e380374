-- The causal chain of the fourth GROUP_SUBMIT (frame 3 of a one-submit-per-frame app):
-- submit -> job -> fence signal -> wait, following the flow table.
WITH RECURSIVE submit AS (
  SELECT id FROM slice WHERE name = 'PANTHOR_GROUP_SUBMIT' ORDER BY ts, id LIMIT 1 OFFSET 3
), chain(id, step) AS (
  SELECT id, 0 FROM submit
  UNION ALL
  SELECT f.slice_in, chain.step + 1 FROM flow f JOIN chain ON f.slice_out = chain.id
)
SELECT chain.step, s.name, t.name AS track, s.dur >= 0 AS closed
FROM chain JOIN slice s ON s.id = chain.id JOIN track t ON t.id = s.track_id
ORDER BY chain.step
