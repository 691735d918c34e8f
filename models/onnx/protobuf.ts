import { writeSync } from 'node:fs';

/**
 * A protobuf message built field by field. Nested messages keep their structure until written,
 * and a field's bytes may be produced lazily (with a length known up front), so that a model
 * whose tensors are far larger than memory can be streamed to disk one tensor at a time.
 */
export class ProtoMessage {
  private readonly parts: Part[] = [];
  private cachedSize = -1;

  varint(field: number, value: number | bigint): this {
    return this.raw(concat([tag(field, 0), encodeVarint(value)]));
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.raw(concat([tag(field, 5), bytes]));
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    return this.raw(concat([tag(field, 2), encodeVarint(value.length), value]));
  }

  message(field: number, value: ProtoMessage): this {
    this.parts.push({ kind: 'message', header: tag(field, 2), message: value });
    this.cachedSize = -1;
    return this;
  }

  /** A bytes field whose content is produced only when the message is written. */
  lazyBytes(field: number, length: number, produce: () => Uint8Array): this {
    this.parts.push({ kind: 'lazy', header: tag(field, 2), length, produce });
    this.cachedSize = -1;
    return this;
  }

  get byteLength(): number {
    if (this.cachedSize < 0) this.cachedSize = this.parts.reduce((sum, part) => sum + partSize(part), 0);
    return this.cachedSize;
  }

  /** Writes the message through `sink`, producing lazy fields one at a time. */
  writeTo(sink: ByteSink): void {
    for (const part of this.parts) {
      if (part.kind === 'raw') {
        sink.write(part.bytes);
      } else if (part.kind === 'message') {
        sink.write(part.header);
        sink.write(encodeVarint(part.message.byteLength));
        part.message.writeTo(sink);
      } else {
        sink.write(part.header);
        sink.write(encodeVarint(part.length));
        const bytes = part.produce();
        if (bytes.length !== part.length) {
          throw new Error(`lazy protobuf field produced ${bytes.length} bytes, declared ${part.length}`);
        }
        sink.write(bytes);
      }
    }
  }

  toBytes(): Uint8Array {
    const sink = new MemorySink(this.byteLength);
    this.writeTo(sink);
    return sink.bytes;
  }

  private raw(bytes: Uint8Array): this {
    this.parts.push({ kind: 'raw', bytes });
    this.cachedSize = -1;
    return this;
  }
}

type Part =
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'message'; header: Uint8Array; message: ProtoMessage }
  | { kind: 'lazy'; header: Uint8Array; length: number; produce: () => Uint8Array };

function partSize(part: Part): number {
  if (part.kind === 'raw') return part.bytes.length;
  const length = part.kind === 'message' ? part.message.byteLength : part.length;
  return part.header.length + varintSize(length) + length;
}

export interface ByteSink {
  write(bytes: Uint8Array): void;
}

class MemorySink implements ByteSink {
  readonly bytes: Uint8Array;
  private offset = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
  write(bytes: Uint8Array): void {
    this.bytes.set(bytes, this.offset);
    this.offset += bytes.length;
  }
}

/** Buffers small writes to a file descriptor; large chunks go straight through. */
export class FileSink implements ByteSink {
  private readonly buffer = new Uint8Array(1 << 20);
  private used = 0;
  private written = 0;
  constructor(private readonly fd: number) {}

  get position(): number {
    return this.written + this.used;
  }

  write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length >= this.buffer.length) {
      writeAll(this.fd, bytes);
      this.written += bytes.length;
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  flush(): void {
    writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.written += this.used;
    this.used = 0;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function tag(field: number, wireType: number): Uint8Array {
  return encodeVarint(field * 8 + wireType);
}

/** Varint of an int64/uint64; negative values take ten bytes (two's complement), as protobuf requires. */
export function encodeVarint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
