-- /stats used to read a materialized view that every write asked to refresh (at most once a second per replica).
-- REFRESH ... CONCURRENTLY cost 7-14 ms of PostgreSQL time even for a 229-tool catalog (temporary table, diff, index
-- maintenance), where the counting query itself runs in about 1 ms: under the write mix that was two refreshes a
-- second competing with the writes for the same cores, for a route few clients read. The API now counts on demand,
-- once per catalog revision a replica serves (Discovery/CatalogStatsReader.cs).
DROP MATERIALIZED VIEW IF EXISTS catalog_stats;
