-- Keep each version's document exactly as it was written.
--
-- jsonb (0001's tool_versions.document) is right for querying but reorders object keys and normalises numbers
-- (1.0 becomes 1), and the catalog promises that key order and value types survive a round trip. The json type
-- stores the text as given, so export and serving read `source`; `document` stays for indexes and SQL.
ALTER TABLE tool_versions ADD COLUMN source json;
UPDATE tool_versions SET source = document::json WHERE source IS NULL;
ALTER TABLE tool_versions ALTER COLUMN source SET NOT NULL;
