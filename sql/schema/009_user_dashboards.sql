-- Dashboards built in the browser (or imported from YAML), kept beside the shipped
-- dashboards/*.yml: the definition is what the YAML file would hold, as it was given (no
-- defaults filled in), so that an export reads like a hand-written file.
CREATE TABLE IF NOT EXISTS user_dashboards (
  dashboard_id VARCHAR NOT NULL,   -- the id in URLs; never one of a shipped file
  definition   JSON NOT NULL,      -- title, description, filters, tiles (src/dashboards/schema.ts)
  created_by   VARCHAR,            -- the user's name (API key name, `local` in local mode)
  created_at   TIMESTAMP NOT NULL,
  updated_by   VARCHAR,
  updated_at   TIMESTAMP NOT NULL
);
