export const WIRE_FORMAT_CODES = ['bad_preview_frame', 'bad_png'] as const;

/** Bytes that do not follow one of the contract's wire formats (a preview frame, a PNG's text chunks). */
export class WireFormatError extends Error {
  readonly code: (typeof WIRE_FORMAT_CODES)[number];

  constructor(code: WireFormatError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WireFormatError';
    this.code = code;
  }
}
