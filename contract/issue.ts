/** One problem found in a request or a workflow; `code` is stable, `message` is for people. */
export interface Issue {
  code: string;
  message: string;
  nodeId?: string;
  input?: string;
}

/**
 * A failure as it travels in run events, run records and HTTP error bodies. When a request or a
 * workflow has several problems (`invalid_workflow`, `invalid_request`), every one is in `issues`.
 */
export interface ErrorInfo {
  code: string;
  message: string;
  nodeId?: string;
  nodeType?: string;
  input?: string;
  issues?: Issue[];
}
