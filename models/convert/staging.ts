import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Staging folders this process is writing right now (so they are never mistaken for stale ones). */
const active = new Set<string>();

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stagingPattern = (target: string) => new RegExp(`^\\.${escape(basename(target))}\\.(?:converting|replaced)-(\\d+)-[0-9a-f]+$`);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging folders of `target` left by killed conversions (their process is gone). */
export function removeStaleStaging(target: string): void {
  const parent = dirname(target);
  const pattern = stagingPattern(target);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const path = join(parent, name);
    const pid = Number(match[1]);
    if (active.has(path) || (pid !== process.pid && isAlive(pid))) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

const siblingName = (target: string, kind: 'converting' | 'replaced') =>
  join(dirname(target), `.${basename(target)}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);

/**
 * Runs `write(stagingDir)` in a hidden folder beside `target`, then renames it onto `target`.
 * When another process published `target` first and `isCurrent()` says it is what we were writing,
 * ours is dropped; an outdated `target` is replaced. A failure leaves no folder behind.
 */
export async function writeFolderAtomically(
  target: string,
  write: (stagingDir: string) => Promise<void>,
  isCurrent: () => boolean,
): Promise<'written' | 'written_by_another'> {
  mkdirSync(dirname(target), { recursive: true });
  removeStaleStaging(target);
  const staging = siblingName(target, 'converting');
  active.add(staging);
  try {
    mkdirSync(staging);
    await write(staging);
    return publish(staging, target, isCurrent);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    active.delete(staging);
  }
}

function publish(staging: string, target: string, isCurrent: () => boolean): 'written' | 'written_by_another' {
  try {
    renameSync(staging, target);
    return 'written';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
  }
  if (isCurrent()) return 'written_by_another';
  const old = siblingName(target, 'replaced');
  renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
  return 'written';
}
