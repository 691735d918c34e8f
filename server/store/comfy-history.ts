import type { Db } from '../db/database.ts';

/** Runs that ComfyUI's POST /history deleted or cleared: left out of ComfyUI's /history, across restarts. */
export class ComfyHistoryStore {
  constructor(private readonly db: Db) {}

  /** Hides the named runs; ids that name no run are ignored. */
  hide(runIds: readonly string[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO comfy_history_hidden (run_id) SELECT id FROM runs WHERE id = ?');
    this.db.transaction(() => {
      for (const id of runIds) insert.run(id);
    })();
  }

  isHidden(runId: string): boolean {
    return this.db.prepare('SELECT 1 FROM comfy_history_hidden WHERE run_id = ?').get(runId) !== undefined;
  }
}
