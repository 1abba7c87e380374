-- ioctl count per request, with how many failed.
SELECT name, count(*) AS calls, sum(extract_arg(arg_set_id, 'debug.result') != '0') AS failed
FROM slice WHERE category = 'ioctl'
GROUP BY name ORDER BY name
