import type { NetworkName } from './write-networks.ts';

/** Calibrating an int8-static UNet (calibrate-unet.ts): the float UNet's sampling calls made so far. */
export interface CalibrationProgress {
  phase: 'calibrating';
  callsDone: number;
  callsTotal: number;
}

/** Writing the converted networks. */
export interface WriteProgress {
  phase: 'writing';
  network: NetworkName;
  /** Initializers written so far, over all four networks. */
  tensorsDone: number;
  tensorsTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** What a conversion reports while it runs: an int8-static conversion calibrates first, every conversion then writes. */
export type ConvertProgress = CalibrationProgress | WriteProgress;
