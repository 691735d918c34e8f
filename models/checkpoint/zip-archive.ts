import type { RandomAccessFile } from './random-access-file.ts';
import { corrupt, truncated, unsupported } from './errors.ts';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA_ID = 0x0001;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const STORED = 0;

const u64 = (view: DataView, at: number): number => Number(view.getBigUint64(at, true));
const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function looksLikeZip(file: RandomAccessFile): boolean {
  if (file.size < 4) return false;
  return viewOf(file.read(0, 4)).getUint32(0, true) === LOCAL_HEADER_SIGNATURE;
}

/** The central directory of a zip (or zip64) archive; entry data is read on demand. */
export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private readonly dataOffsets = new Map<string, number>();

  private constructor(readonly file: RandomAccessFile) {}

  static open(file: RandomAccessFile): ZipArchive {
    const archive = new ZipArchive(file);
    archive.readCentralDirectory();
    return archive;
  }

  /** Absolute file offset of an entry's bytes (stored entries only). */
  dataOffset(entry: ZipEntry): number {
    const known = this.dataOffsets.get(entry.name);
    if (known !== undefined) return known;
    if (entry.method !== STORED) {
      throw unsupported(this.file.path, `zip entry ${entry.name} is compressed (method ${entry.method}); only stored entries are read`);
    }
    const header = viewOf(this.file.read(entry.localHeaderOffset, 30));
    if (header.getUint32(0, true) !== LOCAL_HEADER_SIGNATURE) {
      throw corrupt(this.file.path, `no local header for zip entry ${entry.name} at byte ${entry.localHeaderOffset}`);
    }
    const offset = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
    if (offset + entry.size > this.file.size) {
      throw truncated(this.file.path, `zip entry ${entry.name} ends at byte ${offset + entry.size}, the file has ${this.file.size}`);
    }
    this.dataOffsets.set(entry.name, offset);
    return offset;
  }

  readEntry(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw corrupt(this.file.path, `zip entry ${name} is missing`);
    return this.file.read(this.dataOffset(entry), entry.size);
  }

  private readCentralDirectory(): void {
    const { file } = this;
    const tailLength = Math.min(file.size, EOCD_SIZE + MAX_COMMENT);
    const tailStart = file.size - tailLength;
    const tail = file.read(tailStart, tailLength);
    const tailView = viewOf(tail);
    let eocd = -1;
    for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
      if (tailView.getUint32(i, true) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw truncated(file.path, 'the zip end-of-central-directory record is missing');

    let count = tailView.getUint16(eocd + 10, true);
    let directorySize = tailView.getUint32(eocd + 12, true);
    let directoryOffset = tailView.getUint32(eocd + 16, true);
    const locatorAt = eocd - 20;
    if (locatorAt >= 0 && tailView.getUint32(locatorAt, true) === ZIP64_LOCATOR_SIGNATURE) {
      const recordOffset = u64(tailView, locatorAt + 8);
      if (recordOffset + 56 > file.size) throw truncated(file.path, 'the zip64 end record lies past the end of the file');
      const record = viewOf(file.read(recordOffset, 56));
      if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) throw corrupt(file.path, 'bad zip64 end record');
      count = u64(record, 32);
      directorySize = u64(record, 40);
      directoryOffset = u64(record, 48);
    }
    if (directoryOffset + directorySize > file.size) {
      throw truncated(file.path, `the zip central directory ends at byte ${directoryOffset + directorySize}, the file has ${file.size}`);
    }
    this.parseEntries(file.read(directoryOffset, directorySize), count);
  }

  private parseEntries(directory: Uint8Array, count: number): void {
    const view = viewOf(directory);
    const decoder = new TextDecoder();
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > directory.length || view.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) {
        throw corrupt(this.file.path, `bad zip central directory entry ${i}`);
      }
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      const entry: ZipEntry = {
        name: decoder.decode(directory.subarray(at + 46, at + 46 + nameLength)),
        method: view.getUint16(at + 10, true),
        compressedSize: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        localHeaderOffset: view.getUint32(at + 42, true),
      };
      applyZip64Extra(entry, view, at + 46 + nameLength, extraLength);
      this.entries.set(entry.name, entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
  }
}

/** Replaces the 0xFFFFFFFF placeholders, in the order the zip64 extra field lists them. */
function applyZip64Extra(entry: ZipEntry, view: DataView, start: number, length: number): void {
  const MAX = 0xffffffff;
  let at = start;
  while (at + 4 <= start + length) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA_ID) {
      let field = at + 4;
      if (entry.size === MAX) {
        entry.size = u64(view, field);
        field += 8;
      }
      if (entry.compressedSize === MAX) {
        entry.compressedSize = u64(view, field);
        field += 8;
      }
      if (entry.localHeaderOffset === MAX) entry.localHeaderOffset = u64(view, field);
      return;
    }
    at += 4 + size;
  }
}
