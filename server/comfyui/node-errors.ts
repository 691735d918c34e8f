import type { ApiPrompt, ComfyIssue } from '../../compat/comfyui/index.ts';

/** ComfyUI's error object: `type` is the stable code. */
export interface ComfyErrorInfo {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

export interface ComfyNodeErrors {
  [nodeId: string]: { errors: ComfyErrorInfo[]; dependent_outputs: string[]; class_type: string };
}

/** A refused request in ComfyUI's shape: `{error, node_errors}` with its HTTP status. */
export class ComfyRequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: ComfyErrorInfo,
    readonly nodeErrors: ComfyNodeErrors = {},
  ) {
    super(error.message);
    this.name = 'ComfyRequestError';
  }

  body() {
    return { error: this.error, node_errors: this.nodeErrors };
  }
}

export const comfyError = (type: string, message: string, details = ''): ComfyErrorInfo => ({ type, message, details, extra_info: {} });

/** Problems of a prompt, each under the ComfyUI node it concerns (ComfyUI's 400 for /prompt). */
export function promptRejected(prompt: ApiPrompt | undefined, issues: ComfyIssue[]): ComfyRequestError {
  const nodeErrors: ComfyNodeErrors = {};
  for (const issue of issues) {
    if (issue.nodeId === undefined) continue;
    const entry = (nodeErrors[issue.nodeId] ??= {
      errors: [],
      dependent_outputs: [],
      class_type: issue.classType ?? prompt?.[issue.nodeId]?.class_type ?? '',
    });
    entry.errors.push({ ...comfyError(issue.code, issue.message), extra_info: issue.input === undefined ? {} : { input_name: issue.input } });
  }
  const first = issues[0];
  const error =
    Object.keys(nodeErrors).length > 0
      ? comfyError('prompt_outputs_failed_validation', 'Prompt outputs failed validation', issues.map((issue) => issue.message).join('\n'))
      : comfyError('invalid_prompt', first?.message ?? 'Invalid prompt', first?.code ?? '');
  return new ComfyRequestError(400, error, nodeErrors);
}
