-- Typo-tolerant search and the statistics view.

-- Trigram indexes let /search and ?q= match misspelt words ("kubctl", "restrat service") through pg_trgm's
-- word-similarity operators, which the full-text indexes cannot do.
CREATE INDEX tool_versions_description_trgm ON tool_versions USING gin (description gin_trgm_ops) WHERE is_current;
CREATE INDEX patterns_description_trgm ON patterns USING gin (description gin_trgm_ops);

-- GET /api/v1/stats reads this view instead of aggregating the tables on every call; writers refresh it after they
-- commit (CONCURRENTLY, which needs the unique index, so readers are never blocked).
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
WHERE t.deleted_at IS NULL;

CREATE UNIQUE INDEX catalog_stats_key ON catalog_stats (dimension, key);
