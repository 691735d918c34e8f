// The wire contract: every format that crosses a process or a file boundary, owned once. Browser-safe
// (no `node:` imports): the runtime, the server, the CLI and the editor all import it from here.

export { WorkflowSchema, LinkSchema, isLink, MAX_WORKFLOW_NODES } from './workflow.ts';
export type { Workflow, WorkflowNode, Link, InputValue } from './workflow.ts';
export { checkJsonBounds, JSON_LIMITS } from './json-bounds.ts';
export { workflowShapeIssues } from './workflow-shape.ts';
export type { JsonBoundsProblem } from './json-bounds.ts';
export { overrideInputs, parseOverrideKey } from './overrides.ts';
export { IssueSchema, ErrorInfoSchema } from './issue.ts';
export type { Issue, ErrorInfo } from './issue.ts';
export { SEED_MAX, inputNamed, outputNamed } from './node-description.ts';
export type { NodeDescription, InputDescription, OutputDescription } from './node-description.ts';
export { FRAME_MAGIC, encodePreviewFrame, decodePreviewFrame, float32Bytes, latentValues } from './preview-frame.ts';
export type { PreviewFrame, PreviewFrameHeader } from './preview-frame.ts';
export {
  PNG_SIGNATURE, crc32, isPng, readChunks, writeChunks, textChunk, parseTextChunk, readPngText, readPngTextAsync,
} from './png-chunks.ts';
export type { PngChunk, Inflate, AsyncInflate } from './png-chunks.ts';
export { WireFormatError, WIRE_FORMAT_CODES } from './wire-error.ts';
