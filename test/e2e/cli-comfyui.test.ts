import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '../../nodes/lib/png.ts';
import { centreColour, cornerColour } from '../support/shape-colours.ts';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/compat/comfyui/fixtures');

async function latentflow(args: string[]) {
  try {
    const { stdout, stderr } = await exec('node', ['bin/latentflow.js', ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Runs a file with `latentflow run` into a fresh folder; returns the decoded PNG it wrote. */
async function runFile(file: string) {
  const out = await mkdtemp(path.join(tmpdir(), 'lf-cli-comfy-'));
  const result = await latentflow(['run', file, '--out', out, '--input', path.join(out, 'input')]);
  expect(result.code, result.stderr).toBe(0);
  const [png] = (await readdir(out)).filter((name) => name.endsWith('.png'));
  return decodePng(await readFile(path.join(out, png)));
}

describe('latentflow run, import and export with ComfyUI workflows', { timeout: 180_000 }, () => {
  it('runs a ComfyUI UI workflow directly (reroute, primitive, bypass, mute, split KSamplerAdvanced)', async () => {
    const image = await runFile(path.join(fixtures, 'split-sampler-ui.json'));
    expect([centreColour(image), cornerColour(image)]).toEqual(['red', 'blue']);
  });

  it('runs the ComfyUI API prompt a PNG carries in its "prompt" chunk', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lf-cli-png-'));
    const file = path.join(dir, 'from-comfyui.png');
    const prompt = await readFile(path.join(fixtures, 'txt2img-api.json'), 'utf8');
    await writeFile(file, encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.of(0, 0, 0) }, { text: { prompt } }));
    const image = await runFile(file);
    expect([centreColour(image), cornerColour(image)]).toEqual(['red', 'blue']);
  });

  it('import writes the latentflow workflow; export --format comfy-api writes it back, and both run to the same bytes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lf-cli-roundtrip-'));
    const imported = path.join(dir, 'imported.json');
    expect((await latentflow(['import', path.join(fixtures, 'txt2img-api.json'), '--out', imported])).code).toBe(0);
    const workflow = JSON.parse(await readFile(imported, 'utf8'));
    expect(workflow.version).toBe(1);
    expect(workflow.nodes['3'].type).toBe('UNetStep');

    const exported = path.join(dir, 'exported.json');
    const result = await latentflow(['export', imported, '--format', 'comfy-api', '--out', exported]);
    expect(result.code, result.stderr).toBe(0);
    const prompt = JSON.parse(await readFile(exported, 'utf8'));
    expect(Object.values(prompt).map((node) => (node as { class_type: string }).class_type).sort()).toEqual(
      ['CLIPTextEncode', 'CLIPTextEncode', 'CheckpointLoaderSimple', 'EmptyLatentImage', 'KSamplerAdvanced', 'SaveImage', 'VAEDecode'].sort(),
    );
    const [fromLatentflow, fromComfy] = [await runFile(imported), await runFile(exported)];
    expect(Buffer.from(fromComfy.data).equals(Buffer.from(fromLatentflow.data))).toBe(true);
  });

  it('refuses a ComfyUI workflow with an unmapped class, naming the node and class (exit 1)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lf-cli-unmapped-'));
    const prompt = JSON.parse(await readFile(path.join(fixtures, 'txt2img-api.json'), 'utf8'));
    prompt['3'].class_type = 'SamplerCustomAdvanced';
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify(prompt));
    const result = await latentflow(['import', path.join(dir, 'bad.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[comfy_unmapped_class] Node 3: class "SamplerCustomAdvanced"');
  });
});
