// Moved to contract/preview-frame.ts; this path stays until branches that import it have merged.
export { decodePreviewFrame, latentValues } from '../../../contract/index.ts';
export type { PreviewFrame, PreviewFrameHeader } from '../../../contract/index.ts';
