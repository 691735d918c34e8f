import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeImageSize, nativeSizeOfConfig } from '../../../nodes/lib/native-image-size.ts';
import { FULL_SD15_CONFIG, TINY_SD15_CONFIG, type SD15Config } from '../../../models/sd15/index.ts';

/** A foreign export's unet folder holding `config.json` with this text, or none when undefined. */
async function exportUnet(configText?: string): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'lf-native-')), 'unet');
  await mkdir(dir);
  if (configText !== undefined) await writeFile(path.join(dir, 'config.json'), configText);
  return path.join(dir, 'model.onnx');
}

describe('native image size', () => {
  it('is 512 for the full SD 1.5 config and 64 for the tiny configs (the random and the trained one)', async () => {
    expect(nativeSizeOfConfig(FULL_SD15_CONFIG)).toBe(512);
    expect(nativeSizeOfConfig(TINY_SD15_CONFIG)).toBe(64);
    const shapesTiny: SD15Config = { ...TINY_SD15_CONFIG, unet: { ...TINY_SD15_CONFIG.unet, channels: [64, 128] } };
    expect(nativeSizeOfConfig(shapesTiny)).toBe(64);
    expect(await nativeImageSize({ config: FULL_SD15_CONFIG, unet: '/nowhere/unet/model.onnx' })).toBe(512);
  });

  it('reads a foreign export\'s unet/config.json sample_size (latent pixels) x 8, else 512', async () => {
    expect(await nativeImageSize({ unet: await exportUnet('{"sample_size": 96, "in_channels": 4}') })).toBe(768);
    expect(await nativeImageSize({ unet: await exportUnet('{"in_channels": 4}') })).toBe(512);
    expect(await nativeImageSize({ unet: await exportUnet() })).toBe(512);
  });

  it('names the config file when it is not JSON or its sample_size is not a positive integer', async () => {
    const broken = await exportUnet('{ nope');
    await expect(nativeImageSize({ unet: broken })).rejects.toMatchObject({ code: 'model_corrupt', path: path.join(path.dirname(broken), 'config.json') });
    await expect(nativeImageSize({ unet: await exportUnet('{"sample_size": "64"}') })).rejects.toThrow(/config\.json: sample_size must be a positive integer/);
  });
});
