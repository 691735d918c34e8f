import { definePlugin } from '../../runtime/index.ts';
import imageInvert from './image-invert.ts';

export default definePlugin({
  name: 'example-invert',
  version: '1.0.0',
  runtime: '^1',
  description: 'An example third-party plugin: inverts images.',
  nodes: [imageInvert],
});
