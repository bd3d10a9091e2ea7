-- Sentence embeddings of the searchable pattern texts, for semantic search.
--
-- Keyed by the SHA-256 of the model name and the exact embedded text, not by tool or version: a text that did not
-- change (a new version of a tool, a re-import, the same wording in another tool) is embedded once. Rows are only
-- ever added; replicas read the rows above the highest id they hold, so the identity column is their cursor.
-- real[] because pgvector is not available here; search is a dot product in memory, not in SQL.
CREATE TABLE search_embeddings (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text_hash   text        NOT NULL CHECK (text_hash ~ '^[0-9a-f]{64}$'),
    model       text        NOT NULL,
    vector      real[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT search_embeddings_text_hash_unique UNIQUE (text_hash)
);
