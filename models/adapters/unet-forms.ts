import { readOnnxOpTypes } from '../model-folder/onnx-initializers.ts';

/**
 * The op forms (UnetOptions.forms) a converted UNet was built with, so that a graph rebuilt over its
 * stored weights (a LoRA-patched copy, a ControlNet or FreeU variant) is the same graph: 'plain' for
 * one converted before the lean forms, recognised by its GroupNormalization nodes.
 */
export function storedUnetForms(modelPath: string): 'lean' | 'plain' {
  return readOnnxOpTypes(modelPath).has('GroupNormalization') ? 'plain' : 'lean';
}
