import { renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Runs `write(tempPath)` and renames the result onto `path`; a failure leaves nothing behind. */
export function writeAtomically(path: string, write: (tempPath: string) => void): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    write(temp);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
