/** Failures of the backend layer; `code` is stable, the message names the model or backend at fault. */
export class BackendError extends Error {
  readonly code: string;
  constructor(code: 'backend_unavailable' | 'model_load_failed' | 'inference_failed' | 'cancelled' | 'session_closed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendError';
    this.code = code;
  }
}
