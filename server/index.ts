export { createServer, requiredToken } from './create-server.ts';
export type { LatentflowServer, ServerOptions } from './create-server.ts';
export { FRAME_MAGIC } from './live/binary-frame.ts';
export type { FrameHeader } from './live/binary-frame.ts';
export type { Subscription } from './live/hub.ts';
