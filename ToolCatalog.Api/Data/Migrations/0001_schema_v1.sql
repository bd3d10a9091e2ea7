-- Schema v1 of the tool catalog.
--
-- Shape: a tool (mutable operational state) owns immutable versions. Each version keeps the whole document
-- as JSONB (the source of truth for export, so nothing is lost) plus the columns that list, filter and
-- search need, extracted once at write time. Capabilities and patterns are exploded per version so that
-- "which tools can do X" and use-case search are index lookups, not JSONB scans.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row holding the catalog revision. Writers bump it with UPDATE ... RETURNING inside their transaction:
-- the row lock serialises writers, so revisions become visible in commit order. A sequence would not give
-- that guarantee (a later number can commit first) and the change feed would skip changes.
CREATE TABLE catalog_state (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    revision  bigint  NOT NULL DEFAULT 0 CHECK (revision >= 0)
);
INSERT INTO catalog_state (id, revision) VALUES (true, 0);

CREATE TABLE tools (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text        NOT NULL,
    status           text        NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'deprecated', 'disabled', 'testing', 'draft')),
    status_reason    text,
    enabled          boolean     NOT NULL DEFAULT true,
    -- Soft delete keeps history and lets restore bring the tool back; purge removes the rows.
    deleted_at       timestamptz,
    -- Pinned default version; NULL means "serve the latest".
    default_version  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tools_name_unique UNIQUE (name),
    CONSTRAINT tools_name_format CHECK (name ~ '^[A-Za-z][A-Za-z0-9_.-]{0,99}$')
);

CREATE TABLE tool_versions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tool_id        bigint      NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    version        text        NOT NULL,
    -- Ordinal of the version within its tool (1, 2, ...): "latest" is the highest, whatever the version strings say.
    seq            integer     NOT NULL CHECK (seq > 0),
    -- Exactly one version per tool is current; the partial unique index below enforces it.
    is_current     boolean     NOT NULL DEFAULT false,
    document       jsonb       NOT NULL,
    description    text        NOT NULL,
    platform       text        NOT NULL
                   CHECK (platform IN ('linux', 'windows', 'network', 'database', 'kubernetes', 'cloud', 'container',
                                       'monitoring', 'scheduler', 'custom', 'multi-platform')),
    category       text        NOT NULL
                   CHECK (category IN ('system', 'network', 'automation', 'monitoring', 'security', 'database', 'cloud', 'container')),
    tags           text[]      NOT NULL DEFAULT '{}',
    -- SHA-256 of the canonical document: the ETag, and how an import recognises an unchanged file.
    content_hash   text        NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text        NOT NULL,
    change_reason  text,
    search         tsvector    GENERATED ALWAYS AS (
                       setweight(to_tsvector('english', coalesce(document->>'tool_name', '')), 'A') ||
                       setweight(to_tsvector('english', description), 'B')) STORED,
    -- Versions are immutable and unique per tool: this is what stops two concurrent PUTs of the same version.
    CONSTRAINT tool_versions_version_unique UNIQUE (tool_id, version),
    CONSTRAINT tool_versions_seq_unique UNIQUE (tool_id, seq)
);

CREATE UNIQUE INDEX tool_versions_one_current ON tool_versions (tool_id) WHERE is_current;
-- List filters run against current versions only.
CREATE INDEX tool_versions_current_platform_category ON tool_versions (platform, category) WHERE is_current;
CREATE INDEX tool_versions_current_tags ON tool_versions USING gin (tags) WHERE is_current;
CREATE INDEX tool_versions_search ON tool_versions USING gin (search);
CREATE INDEX tools_status_enabled ON tools (status, enabled) WHERE deleted_at IS NULL;
CREATE INDEX tools_name_trgm ON tools USING gin (name gin_trgm_ops);

CREATE TABLE capabilities (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tool_version_id  bigint NOT NULL REFERENCES tool_versions (id) ON DELETE CASCADE,
    name             text   NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
    description      text   NOT NULL,
    search           tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', replace(name, '_', ' ')), 'A') ||
                         setweight(to_tsvector('english', description), 'B')) STORED,
    CONSTRAINT capabilities_unique UNIQUE (tool_version_id, name)
);
CREATE INDEX capabilities_name ON capabilities (name);
CREATE INDEX capabilities_search ON capabilities USING gin (search);

-- array_to_string is only STABLE (its element output could depend on settings); for text[] it cannot, and a
-- generated column needs an IMMUTABLE expression.
CREATE FUNCTION catalog_join_text(text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN array_to_string($1, ' . ');

CREATE TABLE patterns (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    capability_id      bigint  NOT NULL REFERENCES capabilities (id) ON DELETE CASCADE,
    tool_version_id    bigint  NOT NULL REFERENCES tool_versions (id) ON DELETE CASCADE,
    name               text    NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
    description        text    NOT NULL,
    use_cases          text[]  NOT NULL DEFAULT '{}',
    time_estimate_ms   text    NOT NULL,
    cost_estimate      text    NOT NULL,
    complexity_score   numeric(4, 3) NOT NULL CHECK (complexity_score BETWEEN 0 AND 1),
    scope              text    CHECK (scope IN ('single_item', 'batch', 'exhaustive')),
    completeness       text    CHECK (completeness IN ('complete', 'partial', 'summary')),
    requires_approval  boolean,
    production_safe    boolean,
    -- use_cases are joined with a separator the tokenizer drops, so each case is searchable as words.
    search             tsvector GENERATED ALWAYS AS (
                           setweight(to_tsvector('english', replace(name, '_', ' ')), 'A') ||
                           setweight(to_tsvector('english', description), 'B') ||
                           setweight(to_tsvector('english', catalog_join_text(use_cases)), 'A')) STORED,
    CONSTRAINT patterns_unique UNIQUE (capability_id, name)
);
CREATE INDEX patterns_tool_version ON patterns (tool_version_id);
CREATE INDEX patterns_use_cases ON patterns USING gin (use_cases);
CREATE INDEX patterns_search ON patterns USING gin (search);

-- Every committed change, in revision order: the consumers' change feed (deletes are tombstones here).
CREATE TABLE catalog_changes (
    revision    bigint      PRIMARY KEY,
    tool_name   text        NOT NULL,
    version     text,
    action      text        NOT NULL
                CHECK (action IN ('created', 'updated', 'rolled_back', 'deleted', 'restored', 'purged',
                                  'enabled', 'disabled', 'status_changed', 'default_pinned')),
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_changes_tool ON catalog_changes (tool_name, revision);

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    revision    bigint      NOT NULL REFERENCES catalog_changes (revision),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL,
    action      text        NOT NULL,
    tool_name   text        NOT NULL,
    version     text,
    reason      text,
    -- Structural diff against the previous current version (NULL for creations and state-only changes).
    diff        jsonb
);
CREATE INDEX audit_log_tool_at ON audit_log (tool_name, at DESC);
CREATE INDEX audit_log_at ON audit_log (at DESC);

CREATE TABLE reload_history (
    id           uuid        PRIMARY KEY,
    trigger      text        NOT NULL CHECK (trigger IN ('manual', 'api', 'file', 'schedule', 'startup')),
    actor        text,
    scope        text[],     -- NULL: the whole catalog; otherwise the tool names
    instance_id  text        NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    duration_ms  double precision CHECK (duration_ms >= 0),
    added        integer     NOT NULL DEFAULT 0,
    updated      integer     NOT NULL DEFAULT 0,
    removed      integer     NOT NULL DEFAULT 0,
    result       text        NOT NULL CHECK (result IN ('running', 'succeeded', 'failed')),
    error        text
);
CREATE INDEX reload_history_started ON reload_history (started_at DESC);
CREATE INDEX reload_history_trigger ON reload_history (trigger, started_at DESC);
