import path from 'node:path';
import Database from 'better-sqlite3';
import { makeDirectory } from '../../runtime/index.ts';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export const DATABASE_FILE = 'latentflow.sqlite';

/** Opens (creating if needed) `<dataDir>/latentflow.sqlite` and applies pending migrations. */
export function openDatabase(dataDir: string): Db {
  makeDirectory(dataDir);
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  // FULL: a committed run record survives a power cut, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The database is at schema version ${current}, newer than this latentflow (${MIGRATIONS.length}); upgrade latentflow`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
