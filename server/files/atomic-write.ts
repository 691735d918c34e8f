import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const tempNameFor = (file: string) =>
  path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);

/** Writes to a temporary file in the same folder, then renames it over `file`: readers never see half a file. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = tempNameFor(file);
  try {
    await fs.writeFile(temp, data, { flag: 'wx' });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Like writeFileAtomic but never replaces an existing file: returns false when `file` exists.
 * A hard link from the finished temporary file is atomic and fails if the name is taken.
 */
export async function createFileAtomic(file: string, data: Uint8Array): Promise<boolean> {
  const temp = tempNameFor(file);
  try {
    await fs.writeFile(temp, data, { flag: 'wx' });
    await fs.link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}
