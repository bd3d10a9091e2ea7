-- A version kept its document twice: as the JSON it was written as (source, what every read serves and parses) and
-- as jsonb (document), which only fed the relational copy and full-text columns that migrations 0007 and 0009
-- removed. Nothing reads the jsonb copy any more, and writing it meant parsing every document in PostgreSQL and
-- compressing it a second time: a third of what storing a 10,000-tool import cost there. The columns lists and
-- statistics use (description, platform, category, tags, counts) now come with the row from the API, which has
-- already parsed and validated the document. For ad-hoc SQL, source::jsonb gives the same value.
ALTER TABLE tool_versions DROP COLUMN document;
