-- A new version used to take two round trips: one to lock the tool and read its state, latest sequence number and
-- current version, one to store. A replica that serves the tool from the database already holds all of that, so a
-- PUT sends everything at once: this function first, then the statements that store. It locks the tool and checks
-- that the database still holds what the replica served (same current version row, state and latest sequence number,
-- no pin, not deleted) and that the new version string is free; otherwise it raises SQLSTATE TC001, PostgreSQL skips
-- the rest of the round trip, COMMIT included, and the API writes again the two-round-trip way, from what it locks.
-- Each statement of a VOLATILE function reads the data committed when it starts, so the check after the lock sees
-- whatever the writer it waited for committed.
CREATE FUNCTION lock_tool_as_served(tool bigint, fingerprint text, served_status text, served_enabled boolean,
                                    latest_seq integer, new_version text)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM tools WHERE id = tool FOR UPDATE;
    IF NOT EXISTS (
        SELECT 1
        FROM tools t JOIN tool_versions c ON c.tool_id = t.id AND c.is_current
        WHERE t.id = tool AND t.deleted_at IS NULL AND t.default_version IS NULL
          AND t.status = served_status AND t.enabled = served_enabled
          AND c.id::text || ':' || c.xmin::text = fingerprint
          AND (SELECT max(v.seq) FROM tool_versions v WHERE v.tool_id = tool) = latest_seq
          AND NOT EXISTS (SELECT 1 FROM tool_versions x WHERE x.tool_id = tool AND x.version = new_version))
    THEN
        RAISE EXCEPTION 'tool % is no longer as this replica served it', tool USING ERRCODE = 'TC001';
    END IF;
END
$$;
