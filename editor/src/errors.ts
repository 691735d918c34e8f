import type { Issue } from '../../contract/index.ts';

/** Every failure the editor raises itself, each with a stable code. */
export type EditorErrorCode =
  | 'server_unreachable'
  | 'request_failed'
  | 'bad_preview_frame'
  | 'bad_workflow'
  | 'png_without_workflow'
  | 'bad_latent'
  | 'bad_mask'
  | 'image_unreadable';

export class EditorError extends Error {
  constructor(readonly code: EditorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EditorError';
  }
}

/** A failed API call; `issues` holds the server's list of problems when it sent one, `request` the method and path (for the console, not for people). */
export class ApiRequestError extends EditorError {
  readonly request?: string;

  constructor(
    code: 'server_unreachable' | 'request_failed',
    message: string,
    readonly status: number,
    readonly issues: Issue[] = [],
    options?: { cause?: unknown; request?: string },
  ) {
    super(code, message, options);
    this.name = 'ApiRequestError';
    this.request = options?.request;
  }
}
