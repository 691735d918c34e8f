/**
 * The database schema as an ordered list of steps. Step i brings the database from
 * `user_version` i to i + 1; never edit a released step, append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    hardware TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    workflow TEXT NOT NULL,
    workflow_name TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    error TEXT,
    outputs TEXT,
    nodes TEXT
  );
  CREATE INDEX runs_by_status ON runs(status, seq);
  CREATE INDEX runs_by_project ON runs(project_id, seq);
  CREATE TABLE images (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    run_id TEXT,
    node_id TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, filename)
  );
  `,
  // Scale-out: which worker took each attempt at a run (a worker that died mid-run makes a second attempt).
  `ALTER TABLE runs ADD COLUMN attempts TEXT;`,
  // ComfyUI's POST /history {delete, clear}: runs left out of ComfyUI's /history (latentflow's own history keeps them).
  `CREATE TABLE comfy_history_hidden (run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE);`,
];
