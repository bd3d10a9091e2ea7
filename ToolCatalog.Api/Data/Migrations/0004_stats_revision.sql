-- The statistics view says which catalog revision its counts reflect.
--
-- Writers no longer refresh the view inside their request (a refresh cost as much as the write itself); a background
-- refresher coalesces bursts of writes into one refresh. Readers of /api/v1/stats therefore need to know how current
-- the counts are: the row ('as_of', 'revision') carries catalog_state.revision, read in the same snapshot as the counts.
DROP MATERIALIZED VIEW catalog_stats;

CREATE MATERIALIZED VIEW catalog_stats AS
SELECT 'platform' AS dimension, v.platform AS key, count(*) AS tools
FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current
WHERE t.deleted_at IS NULL GROUP BY v.platform
UNION ALL
SELECT 'category', v.category, count(*)
FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current
WHERE t.deleted_at IS NULL GROUP BY v.category
UNION ALL
SELECT 'status', t.status, count(*) FROM tools t WHERE t.deleted_at IS NULL GROUP BY t.status
UNION ALL
SELECT 'enabled', t.enabled::text, count(*) FROM tools t WHERE t.deleted_at IS NULL GROUP BY t.enabled
UNION ALL
SELECT 'totals', 'tools', count(*) FROM tools t WHERE t.deleted_at IS NULL
UNION ALL
SELECT 'totals', 'deleted_tools', count(*) FROM tools t WHERE t.deleted_at IS NOT NULL
UNION ALL
SELECT 'totals', 'versions', count(*) FROM tool_versions
UNION ALL
SELECT 'totals', 'capabilities', count(*)
FROM capabilities c JOIN tool_versions v ON v.id = c.tool_version_id AND v.is_current JOIN tools t ON t.id = v.tool_id
WHERE t.deleted_at IS NULL
UNION ALL
SELECT 'totals', 'patterns', count(*)
FROM patterns p JOIN tool_versions v ON v.id = p.tool_version_id AND v.is_current JOIN tools t ON t.id = v.tool_id
WHERE t.deleted_at IS NULL
UNION ALL
SELECT 'as_of', 'revision', revision FROM catalog_state;

CREATE UNIQUE INDEX catalog_stats_key ON catalog_stats (dimension, key);
