export { canny, grayFromRgb } from './canny.ts';
