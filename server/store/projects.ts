import crypto from 'node:crypto';
import type { Db } from '../db/database.ts';
import { duplicateProjectName, projectNotFound } from '../errors.ts';

export interface Project {
  id: string;
  name: string;
  description: string;
  hardware: string;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectChanges { name?: string; description?: string; hardware?: string }

interface ProjectRow { id: string; name: string; description: string; hardware: string; created_at: number; updated_at: number }

const toProject = (row: ProjectRow): Project => ({
  id: row.id,
  name: row.name,
  description: row.description,
  hardware: row.hardware,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

const isUniqueViolation = (error: unknown) =>
  error instanceof Error && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export class ProjectStore {
  constructor(private readonly db: Db) {}

  list(): Project[] {
    const rows = this.db.prepare('SELECT * FROM projects ORDER BY created_at, name').all() as ProjectRow[];
    return rows.map(toProject);
  }

  find(id: string): Project | undefined {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
    return row && toProject(row);
  }

  get(id: string): Project {
    const project = this.find(id);
    if (!project) throw projectNotFound(id);
    return project;
  }

  create(fields: { name: string; description?: string; hardware: string; id?: string }): Project {
    const now = Date.now();
    const id = fields.id ?? crypto.randomUUID();
    try {
      this.db
        .prepare('INSERT INTO projects (id, name, description, hardware, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, fields.name, fields.description ?? '', fields.hardware, now, now);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateProjectName(fields.name);
      throw error;
    }
    return this.get(id);
  }

  update(id: string, changes: ProjectChanges): Project {
    const current = this.get(id);
    const next = { ...current, ...changes };
    try {
      this.db
        .prepare('UPDATE projects SET name = ?, description = ?, hardware = ?, updated_at = ? WHERE id = ?')
        .run(next.name, next.description, next.hardware, Date.now(), id);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateProjectName(next.name);
      throw error;
    }
    return this.get(id);
  }

  delete(id: string): void {
    const { changes } = this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
    if (changes === 0) throw projectNotFound(id);
  }
}
