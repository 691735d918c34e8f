import { TINY_SD15_CONFIG, expectedTensors } from '../../../models/sd15/index.ts';
import { seededValues } from '../onnx/run-model.ts';

const shapes = expectedTensors(TINY_SD15_CONFIG);

/**
 * Seeded random weights of the tiny SD 1.5 networks at realistic scales: N(0, 1/fan_in)-like matrices, norm scales
 * near 1; each key read is added to `requested`.
 */
export function tinyWeights(requested?: Set<string>) {
  return (key: string): Float32Array => {
    requested?.add(key);
    const shape = shapes.get(key) as number[];
    const count = shape.reduce((a, b) => a * b, 1);
    let seed = 0;
    for (const ch of key) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
    if (shape.length >= 2) return seededValues(count, seed, Math.sqrt(3 / (count / shape[0])));
    const values = seededValues(count, seed, 0.1);
    return key.endsWith('.weight') ? values.map((v) => 1 + v) : values;
  };
}
