// Worker entry: plain JavaScript so that it starts in any host (node --import tsx, vitest), then
// registers tsx for this thread and runs the TypeScript job.
import { register } from 'tsx/esm/api';

register();
await import('./patch-job.ts');
