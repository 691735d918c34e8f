import type { Db } from '../db/database.ts';

export interface ImageOrigin { runId: string | null; nodeId: string | null; createdAt: number }

/** Which run and node first made each output image of a project (a later run may reuse it from the cache). */
export class ImageStore {
  constructor(private readonly db: Db) {}

  record(projectId: string, filename: string, origin: { runId: string; nodeId: string }): void {
    this.db
      .prepare('INSERT OR IGNORE INTO images (project_id, filename, run_id, node_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(projectId, filename, origin.runId, origin.nodeId, Date.now());
  }

  origins(projectId: string): Map<string, ImageOrigin> {
    const rows = this.db
      .prepare('SELECT filename, run_id, node_id, created_at FROM images WHERE project_id = ?')
      .all(projectId) as { filename: string; run_id: string | null; node_id: string | null; created_at: number }[];
    return new Map(rows.map((row) => [row.filename, { runId: row.run_id, nodeId: row.node_id, createdAt: row.created_at }]));
  }
}
