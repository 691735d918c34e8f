// PNG container level: signature, chunks, CRC and text chunks. Browser-safe (no Node imports): SaveImage
// writes the workflow into a text chunk with it, and the editor reads a dropped PNG's workflow with it.

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

// Int32Array, not Uint32Array: the same bits, and the CRC loop stays in 32-bit integers.
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Splits a PNG file into its chunks, checking the signature, lengths and CRCs. Stops after IEND. */
export function readChunks(bytes: Uint8Array): PngChunk[] {
  if (!isPng(bytes)) throw new Error('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) throw new Error(`truncated PNG: chunk header at byte ${pos}`);
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const dataEnd = pos + 8 + length;
    if (dataEnd + 4 > bytes.length) throw new Error(`truncated PNG: chunk ${type} at byte ${pos}`);
    if (crc32(bytes, pos + 4, dataEnd) !== view.getUint32(dataEnd)) {
      throw new Error(`corrupt PNG: CRC mismatch in chunk ${type} at byte ${pos}`);
    }
    chunks.push({ type, data: bytes.subarray(pos + 8, dataEnd) });
    pos = dataEnd + 4;
    if (type === 'IEND') return chunks;
  }
  throw new Error('truncated PNG: no IEND chunk');
}

export function writeChunks(chunks: PngChunk[]): Uint8Array {
  const total = 8 + chunks.reduce((sum, c) => sum + 12 + c.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(PNG_SIGNATURE, 0);
  let pos = 8;
  for (const { type, data } of chunks) {
    view.setUint32(pos, data.length);
    for (let i = 0; i < 4; i++) out[pos + 4 + i] = type.charCodeAt(i);
    out.set(data, pos + 8);
    view.setUint32(pos + 8 + data.length, crc32(out, pos + 4, pos + 8 + data.length));
    pos += 12 + data.length;
  }
  return out;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

function isLatin1Text(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/**
 * A text chunk for `key`: tEXt when the text is Latin-1, else an uncompressed iTXt (UTF-8).
 * Uncompressed so that readers without zlib (browsers, `grep`) find it too.
 */
export function textChunk(key: string, text: string): PngChunk {
  if (!/^[\x20-\x7e]{1,79}$/.test(key)) throw new Error(`PNG text key must be 1-79 printable ASCII characters: ${JSON.stringify(key)}`);
  const keyBytes = Uint8Array.from(key, (ch) => ch.charCodeAt(0));
  if (isLatin1Text(text)) {
    const data = new Uint8Array(keyBytes.length + 1 + text.length);
    data.set(keyBytes);
    for (let i = 0; i < text.length; i++) data[keyBytes.length + 1 + i] = text.charCodeAt(i);
    return { type: 'tEXt', data };
  }
  const textBytes = new TextEncoder().encode(text);
  // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0
  const data = new Uint8Array(keyBytes.length + 5 + textBytes.length);
  data.set(keyBytes);
  data.set(textBytes, keyBytes.length + 5);
  return { type: 'iTXt', data };
}

/** Decompresses zlib data; pass one to read zTXt and compressed iTXt chunks too. */
export type Inflate = (data: Uint8Array) => Uint8Array;
export type AsyncInflate = (data: Uint8Array) => Promise<Uint8Array>;

interface TextParts { key: string; body: Uint8Array; compressed: boolean; encoding: 'latin1' | 'utf8' }

/** The undecoded parts of a tEXt, zTXt or iTXt chunk, or undefined for other chunks. */
function textParts({ type, data }: PngChunk): TextParts | undefined {
  if (type !== 'tEXt' && type !== 'zTXt' && type !== 'iTXt') return undefined;
  const keyEnd = data.indexOf(0);
  if (keyEnd < 1) throw new Error(`corrupt PNG: ${type} chunk without a keyword`);
  const key = latin1.decode(data.subarray(0, keyEnd));
  if (type === 'tEXt') return { key, body: data.subarray(keyEnd + 1), compressed: false, encoding: 'latin1' };
  if (type === 'zTXt') return { key, body: data.subarray(keyEnd + 2), compressed: true, encoding: 'latin1' };
  const languageEnd = data.indexOf(0, keyEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) throw new Error(`corrupt PNG: iTXt chunk "${key}" is truncated`);
  return { key, body: data.subarray(translatedEnd + 1), compressed: data[keyEnd + 1] === 1, encoding: 'utf8' };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** tEXt is Latin-1 by the spec, but some writers put UTF-8 there: text that is valid UTF-8 is read as such. */
function decode(parts: TextParts, body: Uint8Array): string {
  if (parts.encoding === 'utf8') return utf8.decode(body);
  try {
    return strictUtf8.decode(body);
  } catch {
    return latin1.decode(body);
  }
}

/** The key/text pair of a tEXt, zTXt or iTXt chunk, or undefined for other chunks (and compressed ones without `inflate`). */
export function parseTextChunk(chunk: PngChunk, inflate?: Inflate): [string, string] | undefined {
  const parts = textParts(chunk);
  if (parts === undefined || (parts.compressed && !inflate)) return undefined;
  return [parts.key, decode(parts, parts.compressed ? (inflate as Inflate)(parts.body) : parts.body)];
}

/** All text entries of a PNG file (tEXt, iTXt; zTXt and compressed iTXt only with `inflate`). Later duplicates win. */
export function readPngText(bytes: Uint8Array, inflate?: Inflate): Record<string, string> {
  const text: Record<string, string> = {};
  for (const chunk of readChunks(bytes)) {
    const entry = parseTextChunk(chunk, inflate);
    if (entry) text[entry[0]] = entry[1];
  }
  return text;
}

/** Like `readPngText`, with an asynchronous inflate (a browser's DecompressionStream). */
export async function readPngTextAsync(bytes: Uint8Array, inflate: AsyncInflate): Promise<Record<string, string>> {
  const text: Record<string, string> = {};
  for (const chunk of readChunks(bytes)) {
    const parts = textParts(chunk);
    if (parts) text[parts.key] = decode(parts, parts.compressed ? await inflate(parts.body) : parts.body);
  }
  return text;
}
