-- Platforms, categories and pattern scopes are open vocabularies (Catalog:Vocabularies): the application checks them
-- against the deployment's configured lists, and an import with upgrade=true keeps values outside them. A fixed list
-- in the database would refuse exactly those values, so the checks that copied the built-in lists are dropped.
ALTER TABLE tool_versions
    DROP CONSTRAINT IF EXISTS tool_versions_platform_check,
    DROP CONSTRAINT IF EXISTS tool_versions_category_check;
ALTER TABLE patterns
    DROP CONSTRAINT IF EXISTS patterns_scope_check;
