-- Every stored version keeps its document twice, as jsonb (document) and as the text it was written as (source), both
-- several KiB and so compressed out of line. pglz, the default, was a large part of what storing a 10,000-tool import
-- cost in PostgreSQL (and of reading the sources back on a reload); lz4 compresses and decompresses several times
-- faster. Only rows written from now on use it: existing ones stay readable as they are. A server built without lz4
-- keeps pglz rather than failing to start.
DO $$
BEGIN
    ALTER TABLE tool_versions
        ALTER COLUMN document SET COMPRESSION lz4,
        ALTER COLUMN source SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not supported by this server; tool_versions keeps pglz compression';
END $$;
