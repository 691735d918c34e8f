import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../../server/db/database.ts';
import { MIGRATIONS } from '../../../server/db/migrations.ts';
import { tempDir } from '../helpers.ts';

describe('openDatabase', () => {
  it('creates latentflow.sqlite in the data folder at the latest schema version', () => {
    const dir = tempDir('db');
    const db = openDatabase(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['images', 'projects', 'runs']));
    expect(db.name).toBe(path.join(dir, DATABASE_FILE));
    db.close();
  });

  it('keeps the data when reopened and does not run migrations twice', () => {
    const dir = tempDir('db');
    const first = openDatabase(dir);
    first.prepare("INSERT INTO projects (id, name, hardware, created_at, updated_at) VALUES ('p', 'P', 'cpu', 1, 1)").run();
    first.close();
    const second = openDatabase(dir);
    expect(second.prepare('SELECT name FROM projects').all()).toEqual([{ name: 'P' }]);
    second.close();
  });

  it('refuses a database written by a newer latentflow', () => {
    const dir = tempDir('db');
    const raw = new Database(path.join(dir, DATABASE_FILE));
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(dir)).toThrow(/newer than this latentflow/);
  });
});
