import { definePlugin } from 'latentflow';
import imageInvert from './image-invert.ts';

export default definePlugin({
  name: 'example-invert',
  version: '1.0.0',
  runtime: '^1',
  dependencies: ['latentflow-builtin'],
  description: 'An example third-party plugin: inverts images.',
  nodes: [imageInvert],
});
