import { definePlugin } from '../runtime/plugin.ts';

/** The built-in Stable Diffusion nodes. */
export default definePlugin({
  name: 'latentflow-builtin',
  version: '0.1.0',
  runtime: '^1',
  nodes: [],
});
