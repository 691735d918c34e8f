import { randomBytes } from 'node:crypto';
import { linkSync, readdirSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirectory, resolveInside } from '../../runtime/index.ts';

const NUMBER_DIGITS = 5;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Writes `bytes` as `<prefix>_<00001>.<extension>` in `dir` with the next free number, never
 * overwriting: the bytes go to a temp file that is then hard-linked to the final name, which
 * fails if the name exists (so two writers racing for a number both succeed, with different numbers).
 * Returns the file name relative to `dir`. The calls are synchronous: each is a few microseconds of metadata work
 * or one write of an image, where a hop through libuv's thread pool and back would cost more than the call.
 */
export async function writeNumberedFile(dir: string, prefix: string, extension: string, bytes: Uint8Array): Promise<string> {
  const target = await resolveInside(dir, `${prefix}_${'0'.repeat(NUMBER_DIGITS)}.${extension}`);
  const folder = path.dirname(target);
  const stem = path.basename(prefix);
  makeDirectory(folder);

  const pattern = new RegExp(`^${escapeRegExp(stem)}_(\\d{${NUMBER_DIGITS},})\\.${escapeRegExp(extension)}$`);
  const scanKey = `${folder}\0${pattern.source}`;
  let next = nextNumberIfUnchanged(scanKey, folder) ?? highestNumber(folder, pattern) + 1;

  const temp = path.join(folder, `.${stem}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temp, bytes, { flag: 'wx' });
  let written: string | undefined;
  try {
    while (written === undefined) {
      const name = `${stem}_${String(next).padStart(NUMBER_DIGITS, '0')}.${extension}`;
      try {
        linkSync(temp, path.join(folder, name));
        written = name;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      next++;
    }
  } finally {
    unlinkSync(temp);
  }
  scans.set(scanKey, { mtimeMs: statSync(folder).mtimeMs, next });
  return path.relative(realpathSync(dir), path.join(folder, written)).split(path.sep).join('/');
}

function highestNumber(folder: string, pattern: RegExp): number {
  let highest = 0;
  for (const entry of readdirSync(folder)) {
    const match = pattern.exec(entry);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/**
 * The number after this process's last write into `folder` under a pattern, while the folder has not changed since
 * (same mtime): a folder of thousands of images is then not listed again for every image.
 */
const scans = new Map<string, { mtimeMs: number; next: number }>();

function nextNumberIfUnchanged(key: string, folder: string): number | undefined {
  const scan = scans.get(key);
  return scan !== undefined && statSync(folder).mtimeMs === scan.mtimeMs ? scan.next : undefined;
}
