/** Why a ComfyUI workflow cannot become a latentflow workflow; one code per failure. */
export const COMFY_CODES = [
  'comfy_invalid_prompt',
  'comfy_unmapped_class',
  'comfy_link_to_missing_node',
  'comfy_slot_out_of_range',
  'comfy_missing_input',
  'comfy_unmapped_output',
  'comfy_value_not_in_list',
  'comfy_unsupported_value',
  'comfy_too_deep',
] as const;
export type ComfyCode = (typeof COMFY_CODES)[number];

/** One problem, naming the ComfyUI node (and input) at fault. */
export interface ComfyIssue {
  code: ComfyCode | string;
  message: string;
  nodeId?: string;
  classType?: string;
  input?: string;
}

/** Every problem a conversion found; nothing was converted. */
export class ComfyConversionError extends Error {
  readonly code: string;
  constructor(readonly issues: ComfyIssue[]) {
    super(issues.map((issue) => issue.message).join('; '));
    this.name = 'ComfyConversionError';
    this.code = issues[0]?.code ?? 'comfy_invalid_prompt';
  }
}

export const comfyIssue = (code: ComfyCode, message: string, where: Omit<ComfyIssue, 'code' | 'message'> = {}): ComfyIssue => ({
  code,
  message,
  ...where,
});

export const failWith = (code: ComfyCode, message: string, where: Omit<ComfyIssue, 'code' | 'message'> = {}): never => {
  throw new ComfyConversionError([comfyIssue(code, message, where)]);
};
