import type { RunEvent } from '../../../runtime/index.ts';

/** A text frame from `/api/ws`: the runtime's RunEvents plus the server's `run_queued`. */
export type LiveEvent =
  | (RunEvent & { projectId?: string })
  | { type: 'run_queued'; runId: string; projectId?: string; time?: number; workflowName?: string };

export type { RunEvent };
