import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { checkpointNotFound, truncated } from './errors.ts';

/** Largest single read; bigger ranges are read in pieces (one read call is limited to 2 GiB). */
const CHUNK_BYTES = 256 * 1024 * 1024;

/** Positioned reads from one file, so a multi-gigabyte checkpoint is never loaded whole. */
export class RandomAccessFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  private fd: number | undefined;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
    const stat = fstatSync(fd);
    this.size = stat.size;
    this.mtimeMs = stat.mtimeMs;
  }

  static open(path: string): RandomAccessFile {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw checkpointNotFound(path, error);
    }
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw checkpointNotFound(path);
    }
    return new RandomAccessFile(path, fd);
  }

  /** Reads exactly `length` bytes at `position` into a fresh, 8-byte aligned buffer. */
  read(position: number, length: number): Uint8Array {
    const out = new Uint8Array(new ArrayBuffer(length));
    this.readInto(out, position);
    return out;
  }

  readInto(target: Uint8Array, position: number): void {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    if (position + target.length > this.size) {
      throw truncated(this.path, `needs bytes up to ${position + target.length}, the file has ${this.size}`);
    }
    let done = 0;
    while (done < target.length) {
      const want = Math.min(CHUNK_BYTES, target.length - done);
      const got = readSync(this.fd, target, done, want, position + done);
      if (got === 0) throw truncated(this.path, `unexpected end of file at byte ${position + done}`);
      done += got;
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
