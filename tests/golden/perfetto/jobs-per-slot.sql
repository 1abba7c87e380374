-- Jobs executed per hardware CS slot.
SELECT t.name AS slot, count(*) AS jobs
FROM slice s JOIN track t ON t.id = s.track_id
WHERE t.name LIKE 'CS slot %'
GROUP BY t.name ORDER BY t.name
