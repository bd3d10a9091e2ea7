-- A new version used to take two round trips: one to lock the tool and read its state, latest sequence number and
-- current version, one to store. A replica that serves the tool from the database already holds all of that, so a
-- PUT sends everything at once: this function first, then the statements that store. It locks the tool and checks
-- that the database still holds what the replica served (same current version row, state and latest sequence number,
-- no pin, not deleted) and that the new version string is free; otherwise it raises SQLSTATE TC001, PostgreSQL skips
-- the rest of the round trip, COMMIT included, and the API writes again the two-round-trip way, from what it locks.
-- Each statement of a VOLATILE function reads the data committed when it starts, so the checks after the lock see
-- whatever the writer it waited for committed. Every check goes by the tool's id alone: one query joining the tool's
-- state to its versions was planned, right after a 10,000-tool import (statistics not yet updated), as a scan of the
-- tools index by status and enabled, 1 to 14 ms per call.
CREATE FUNCTION lock_tool_as_served(tool bigint, fingerprint text, served_status text, served_enabled boolean,
                                    latest_seq integer, new_version text)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    locked record;
BEGIN
    SELECT t.status, t.enabled, t.deleted_at, t.default_version INTO locked FROM tools t WHERE t.id = tool FOR UPDATE;
    IF NOT FOUND
       OR locked.deleted_at IS NOT NULL OR locked.default_version IS NOT NULL
       OR locked.status IS DISTINCT FROM served_status OR locked.enabled IS DISTINCT FROM served_enabled
       OR NOT EXISTS (SELECT 1 FROM tool_versions c
                      WHERE c.tool_id = tool AND c.is_current AND c.id::text || ':' || c.xmin::text = fingerprint)
       OR (SELECT max(v.seq) FROM tool_versions v WHERE v.tool_id = tool) IS DISTINCT FROM latest_seq
       OR EXISTS (SELECT 1 FROM tool_versions x WHERE x.tool_id = tool AND x.version = new_version)
    THEN
        RAISE EXCEPTION 'tool % is no longer as this replica served it', tool USING ERRCODE = 'TC001';
    END IF;
END
$$;
