-- Search runs in memory now (the hybrid search, and the tool list's ?q= filter on the same keyword index), so the
-- full-text and trigram indexes no query uses go: maintaining them was most of the time a large import spent in
-- PostgreSQL (every stored word of 10,000 tools went through stemming and three GIN indexes, every description
-- through two trigram indexes).
--
-- Kept: patterns.search, which the use-case search ranks with (ts_rank). Its GIN index is dropped all the same: that
-- query ORs the match with word_similarity() on the use cases, which no index can answer, so it scans the patterns
-- anyway. The tags and use-case GIN indexes go too: lists and discovery filter the served snapshot, not SQL.
DROP INDEX IF EXISTS tool_versions_search;
DROP INDEX IF EXISTS capabilities_search;
DROP INDEX IF EXISTS patterns_search;
DROP INDEX IF EXISTS tools_name_trgm;
DROP INDEX IF EXISTS tool_versions_description_trgm;
DROP INDEX IF EXISTS patterns_description_trgm;
DROP INDEX IF EXISTS tool_versions_current_tags;
DROP INDEX IF EXISTS patterns_use_cases;

-- The tool and capability tsvectors only served the ?q= filter: no longer computed on every insert.
ALTER TABLE tool_versions DROP COLUMN IF EXISTS search;
ALTER TABLE capabilities DROP COLUMN IF EXISTS search;
