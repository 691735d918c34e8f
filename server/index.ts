export { createServer, requiredToken } from './create-server.ts';
export type { LatentflowServer, ServerOptions } from './create-server.ts';
export { FRAME_MAGIC } from '../contract/index.ts';
export type { PreviewFrameHeader as FrameHeader } from '../contract/index.ts';
export type { Subscription } from './live/hub.ts';
