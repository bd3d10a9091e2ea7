-- GET /audit lists the newest changes first (ORDER BY revision DESC LIMIT n), of one tool or of all. No index had that
-- order: every call read the whole audit log and sorted it (163 ms at 500,000 entries, open to anonymous readers and
-- growing with every write), and the generic plan of "(tool IS NULL OR tool_name = tool)" did the same for one tool
-- (48 ms). These two indexes return the entries in the order asked, so a call reads the entries it answers with. The
-- indexes on the entry time had no reader, and go: each was one more index for every write to maintain.
CREATE INDEX audit_log_revision ON audit_log (revision DESC);
CREATE INDEX audit_log_tool_revision ON audit_log (tool_name, revision DESC);
DROP INDEX IF EXISTS audit_log_at;
DROP INDEX IF EXISTS audit_log_tool_at;
