import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

const U32_MAX = 0xffffffff;
/** Entry data starts on 64-byte boundaries, as PyTorch writes it (so storages can be memory-mapped). */
const ALIGNMENT = 64;
const PADDING_EXTRA_ID = 0x4246; // "FB", the id PyTorch uses for its padding field
const DOS_DATE_1980_01_01 = 0x21;

interface WrittenEntry {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

/**
 * A zip archive of stored (uncompressed) entries written front to back: each entry's bytes are
 * written as soon as they are added, so the archive never has to fit in memory. Switches to zip64
 * records past 4 GiB, or always with `forceZip64` (to test readers on small files).
 */
export class ZipWriter {
  private readonly fd: number;
  private position = 0;
  private readonly entries: WrittenEntry[] = [];

  constructor(path: string, private readonly options: { forceZip64?: boolean } = {}) {
    this.fd = openSync(path, 'w');
  }

  /** Adds one entry made of `chunks` (written in order, never joined). */
  add(name: string, chunks: Uint8Array[]): void {
    const encodedName = new TextEncoder().encode(name);
    const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const crc = chunks.reduce((value, chunk) => crc32(chunk, value), 0);
    const zip64 = this.options.forceZip64 === true || size >= U32_MAX;
    const zip64Extra = zip64 ? extraField(0x0001, [u64(size), u64(size)]) : new Uint8Array(0);
    const unpadded = this.position + 30 + encodedName.length + zip64Extra.length + 4;
    const padding = extraField(PADDING_EXTRA_ID, [new Uint8Array((ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT)]);

    const header = new DataView(new ArrayBuffer(30));
    header.setUint32(0, 0x04034b50, true);
    header.setUint16(4, zip64 ? 45 : 20, true);
    header.setUint16(12, DOS_DATE_1980_01_01, true);
    header.setUint32(14, crc, true);
    header.setUint32(18, zip64 ? U32_MAX : size, true);
    header.setUint32(22, zip64 ? U32_MAX : size, true);
    header.setUint16(26, encodedName.length, true);
    header.setUint16(28, zip64Extra.length + padding.length, true);

    this.entries.push({ name: encodedName, crc, size, offset: this.position });
    this.write(new Uint8Array(header.buffer), encodedName, zip64Extra, padding, ...chunks);
  }

  /** Writes the central directory and closes the file. */
  finish(): void {
    const force = this.options.forceZip64 === true;
    const directoryOffset = this.position;
    for (const entry of this.entries) this.write(...this.centralHeader(entry, force));
    const directorySize = this.position - directoryOffset;
    const zip64 =
      force || directoryOffset >= U32_MAX || this.entries.length >= 0xffff || this.entries.some((e) => e.size >= U32_MAX || e.offset >= U32_MAX);
    if (zip64) {
      const recordOffset = this.position;
      const record = new DataView(new ArrayBuffer(56));
      record.setUint32(0, 0x06064b50, true);
      record.setBigUint64(4, 44n, true);
      record.setUint16(12, 45, true);
      record.setUint16(14, 45, true);
      record.setBigUint64(24, BigInt(this.entries.length), true);
      record.setBigUint64(32, BigInt(this.entries.length), true);
      record.setBigUint64(40, BigInt(directorySize), true);
      record.setBigUint64(48, BigInt(directoryOffset), true);
      const locator = new DataView(new ArrayBuffer(20));
      locator.setUint32(0, 0x07064b50, true);
      locator.setBigUint64(8, BigInt(recordOffset), true);
      locator.setUint32(16, 1, true);
      this.write(new Uint8Array(record.buffer), new Uint8Array(locator.buffer));
    }
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, zip64 ? 0xffff : this.entries.length, true);
    end.setUint16(10, zip64 ? 0xffff : this.entries.length, true);
    end.setUint32(12, zip64 ? U32_MAX : directorySize, true);
    end.setUint32(16, zip64 ? U32_MAX : directoryOffset, true);
    this.write(new Uint8Array(end.buffer));
    closeSync(this.fd);
  }

  /** Closes the file without finishing it (after a failure). */
  abort(): void {
    closeSync(this.fd);
  }

  private centralHeader(entry: WrittenEntry, force: boolean): Uint8Array[] {
    const bigSize = force || entry.size >= U32_MAX;
    const bigOffset = force || entry.offset >= U32_MAX;
    const fields = [...(bigSize ? [u64(entry.size), u64(entry.size)] : []), ...(bigOffset ? [u64(entry.offset)] : [])];
    const extra = fields.length > 0 ? extraField(0x0001, fields) : new Uint8Array(0);
    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(4, extra.length > 0 ? 45 : 20, true);
    header.setUint16(6, extra.length > 0 ? 45 : 20, true);
    header.setUint16(14, DOS_DATE_1980_01_01, true);
    header.setUint32(16, entry.crc, true);
    header.setUint32(20, bigSize ? U32_MAX : entry.size, true);
    header.setUint32(24, bigSize ? U32_MAX : entry.size, true);
    header.setUint16(28, entry.name.length, true);
    header.setUint16(30, extra.length, true);
    header.setUint32(42, bigOffset ? U32_MAX : entry.offset, true);
    return [new Uint8Array(header.buffer), entry.name, extra];
  }

  private write(...chunks: Uint8Array[]): void {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done, this.position + done);
      this.position += chunk.length;
    }
  }
}

function u64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value), true);
  return bytes;
}

function extraField(id: number, parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(4 + length);
  const view = new DataView(out.buffer);
  view.setUint16(0, id, true);
  view.setUint16(2, length, true);
  let at = 4;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
