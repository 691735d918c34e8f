import crypto from 'node:crypto';
import type { ErrorInfo } from '../../runtime/index.ts';
import type { Db } from '../db/database.ts';
import { runNotFound } from '../errors.ts';

export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';

export interface OutputImage { nodeId: string; filename: string; url: string }

export interface RunOutputs {
  images: OutputImage[];
  /** The output nodes' own JSON summaries, keyed by node id. */
  nodes: Record<string, unknown>;
}

export interface NodeOutcome { status: 'finished' | 'cached' | 'failed'; durationMs?: number }

/** One worker's try at a run (runs handed to workers only: `serve --redis`). */
export interface RunAttempt { attempt: number; worker: string; startedAt: string }

export interface RunSummary {
  id: string;
  projectId: string;
  status: RunStatus;
  workflowName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error?: ErrorInfo;
  outputs: RunOutputs;
  nodes: Record<string, NodeOutcome>;
  attempts?: RunAttempt[];
}

export interface RunRecord extends RunSummary { workflow: unknown }

interface RunRow {
  id: string;
  project_id: string;
  status: RunStatus;
  workflow: string;
  workflow_name: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  outputs: string | null;
  nodes: string | null;
  attempts: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toSummary(row: RunRow): RunSummary {
  const summary: RunSummary = {
    id: row.id,
    projectId: row.project_id,
    status: row.status,
    workflowName: row.workflow_name,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    durationMs: row.started_at !== null && row.finished_at !== null ? row.finished_at - row.started_at : null,
    outputs: row.outputs ? JSON.parse(row.outputs) : { images: [], nodes: {} },
    nodes: row.nodes ? JSON.parse(row.nodes) : {},
  };
  if (row.error) summary.error = JSON.parse(row.error);
  if (row.attempts) summary.attempts = JSON.parse(row.attempts);
  return summary;
}

const SUMMARY_COLUMNS = 'id, project_id, status, workflow_name, created_at, started_at, finished_at, error, outputs, nodes, attempts';

export interface RunResult {
  status: Extract<RunStatus, 'finished' | 'failed' | 'cancelled' | 'interrupted'>;
  error?: ErrorInfo;
  outputs?: RunOutputs;
  nodes?: Record<string, NodeOutcome>;
}

export class RunStore {
  constructor(private readonly db: Db) {}

  insert(fields: { projectId: string; workflow: unknown; workflowName?: string }): RunRecord {
    const id = crypto.randomUUID();
    this.db
      .prepare('INSERT INTO runs (id, project_id, status, workflow, workflow_name, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, fields.projectId, 'queued', JSON.stringify(fields.workflow), fields.workflowName ?? null, Date.now());
    return this.get(id);
  }

  find(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && { ...toSummary(row), workflow: JSON.parse(row.workflow) };
  }

  get(id: string): RunRecord {
    const run = this.find(id);
    if (!run) throw runNotFound(id);
    return run;
  }

  /** Newest first. */
  listByProject(projectId: string, limit: number): RunSummary[] {
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs WHERE project_id = ? ORDER BY seq DESC LIMIT ?`)
      .all(projectId, limit) as RunRow[];
    return rows.map(toSummary);
  }

  /** The oldest queued run: the queue is first in, first out. */
  nextQueued(): RunRecord | undefined {
    const row = this.db.prepare("SELECT id FROM runs WHERE status = 'queued' ORDER BY seq LIMIT 1").get() as
      | { id: string }
      | undefined;
    return row && this.get(row.id);
  }

  counts(): { running: number; queued: number } {
    const rows = this.db
      .prepare("SELECT status, COUNT(*) AS n FROM runs WHERE status IN ('running', 'queued') GROUP BY status")
      .all() as { status: RunStatus; n: number }[];
    const count = (status: RunStatus) => rows.find((row) => row.status === status)?.n ?? 0;
    return { running: count('running'), queued: count('queued') };
  }

  markRunning(id: string): void {
    this.db.prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'").run(Date.now(), id);
  }

  finish(id: string, result: RunResult): void {
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, error = ?, outputs = ?, nodes = ? WHERE id = ?')
      .run(...endingColumns(result), id);
  }

  /**
   * Records how a queued or running run ended; false (and nothing changed) when it had already ended,
   * so a result delivered twice is recorded once.
   */
  finishOnce(id: string, result: RunResult): boolean {
    const { changes } = this.db
      .prepare("UPDATE runs SET status = ?, finished_at = ?, error = ?, outputs = ?, nodes = ? WHERE id = ? AND status IN ('queued', 'running')")
      .run(...endingColumns(result), id);
    return changes > 0;
  }

  /** Adds a worker's attempt (once per attempt number) to a run that has not ended; marks it running. */
  recordAttempt(id: string, attempt: RunAttempt): void {
    this.db.transaction(() => {
      const row = this.db.prepare("SELECT attempts FROM runs WHERE id = ? AND status IN ('queued', 'running')").get(id) as
        | { attempts: string | null }
        | undefined;
      if (!row) return;
      const attempts: RunAttempt[] = row.attempts ? JSON.parse(row.attempts) : [];
      if (attempts.some((known) => known.attempt === attempt.attempt)) return;
      attempts.push(attempt);
      this.db
        .prepare("UPDATE runs SET status = 'running', started_at = COALESCE(started_at, ?), attempts = ? WHERE id = ?")
        .run(Date.parse(attempt.startedAt), JSON.stringify(attempts), id);
    })();
  }

  /** Queued and running runs, oldest first (what a restarted orchestrator sends on again). */
  unfinished(): RunRecord[] {
    const rows = this.db.prepare("SELECT id FROM runs WHERE status IN ('queued', 'running') ORDER BY seq").all() as { id: string }[];
    return rows.map((row) => this.get(row.id));
  }

  runningIds(projectId?: string): string[] {
    const rows = (
      projectId === undefined
        ? this.db.prepare("SELECT id FROM runs WHERE status = 'running' ORDER BY seq").all()
        : this.db.prepare("SELECT id FROM runs WHERE status = 'running' AND project_id = ? ORDER BY seq").all(projectId)
    ) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** Cancels a run that has not started; false when it is no longer queued. */
  cancelQueued(id: string): boolean {
    const { changes } = this.db
      .prepare("UPDATE runs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'queued'")
      .run(Date.now(), id);
    return changes > 0;
  }

  /** After a restart or crash nothing is running: what was running is marked interrupted. Returns their ids. */
  interruptRunning(): string[] {
    return this.db.transaction(() => {
      const rows = this.db.prepare("SELECT id FROM runs WHERE status = 'running'").all() as { id: string }[];
      this.db.prepare("UPDATE runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'").run(Date.now());
      return rows.map((row) => row.id);
    })();
  }

  queuedIds(projectId: string): string[] {
    const rows = this.db
      .prepare("SELECT id FROM runs WHERE project_id = ? AND status = 'queued' ORDER BY seq")
      .all(projectId) as { id: string }[];
    return rows.map((row) => row.id);
  }
}

/** The columns a run's ending sets: status, finished_at, error, outputs, nodes. */
function endingColumns(result: RunResult): [string, number, string | null, string | null, string | null] {
  return [
    result.status,
    Date.now(),
    result.error ? JSON.stringify(result.error) : null,
    result.outputs ? JSON.stringify(result.outputs) : null,
    result.nodes ? JSON.stringify(result.nodes) : null,
  ];
}
