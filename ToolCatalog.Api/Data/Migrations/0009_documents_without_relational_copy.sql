-- A version's document is its only stored shape. Its capabilities and patterns were also copied into two tables, for
-- the use-case search's full-text query; that search now runs in memory over the served snapshot, like every other
-- read, and nothing else reads the copies. Writing them was most of what storing a version cost PostgreSQL: a
-- 10,000-tool import spent 2.2 of its 3.3 s in the version insert on them (30,000 rows, their tsvectors, and four
-- foreign-key checks per pattern), and every PUT paid the same per row.
--
-- The statistics keep counting capabilities and patterns: each version now records how many its document has, as it
-- is stored.
ALTER TABLE tool_versions
    ADD COLUMN capability_count integer NOT NULL DEFAULT 0,
    ADD COLUMN pattern_count    integer NOT NULL DEFAULT 0;

UPDATE tool_versions v SET
    capability_count = (SELECT count(*) FROM jsonb_object_keys(v.document->'capabilities')),
    pattern_count = (SELECT coalesce(sum((SELECT count(*) FROM jsonb_object_keys(c.value->'patterns'))), 0)
                     FROM jsonb_each(v.document->'capabilities') AS c);

DROP MATERIALIZED VIEW catalog_stats;
DROP TABLE patterns;
DROP TABLE capabilities;
DROP FUNCTION IF EXISTS catalog_join_text(text[]);

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
SELECT 'totals', 'capabilities', coalesce(sum(v.capability_count), 0)
FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current WHERE t.deleted_at IS NULL
UNION ALL
SELECT 'totals', 'patterns', coalesce(sum(v.pattern_count), 0)
FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current WHERE t.deleted_at IS NULL
UNION ALL
SELECT 'as_of', 'revision', revision FROM catalog_state;

CREATE UNIQUE INDEX catalog_stats_key ON catalog_stats (dimension, key);
