/**
 * GPT-2's reversible byte-to-character table: printable Latin-1 bytes map to themselves,
 * the other 68 bytes to U+0100 upwards in byte order, so every byte string is a visible string.
 */
function buildByteTable(): string[] {
  const table: string[] = new Array(256);
  const isPrintable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    table[byte] = String.fromCharCode(isPrintable(byte) ? byte : next++);
  }
  return table;
}

const BYTE_TO_CHAR = buildByteTable();
const utf8 = new TextEncoder();

/** The UTF-8 bytes of `text`, one table character per byte. */
export function encodeBytes(text: string): string {
  let out = '';
  for (const byte of utf8.encode(text)) out += BYTE_TO_CHAR[byte];
  return out;
}
