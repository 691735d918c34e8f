import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, readPngText } from '../../nodes/lib/png.ts';
import { SAMPLERS } from '../../models/schedulers/index.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** Runs `latentflow run <workflow> --out <tmp> <args>` from the repository root; returns the output folder and stdout. */
async function latentflowRun(workflow: string, args: string[] = [], input?: string) {
  const out = await mkdtemp(path.join(tmpdir(), 'lf-e2e-'));
  const { stdout } = await run('node', ['bin/latentflow.js', 'run', workflow, '--out', out, '--input', input ?? path.join(out, 'input'), ...args], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { out, stdout };
}

async function pngsIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
}

// Each test starts one or more CLI processes; the machine running them may be busy.
describe('latentflow run with the shipped workflows', { timeout: 180_000 }, () => {
  it('txt2img writes a PNG that carries the workflow that made it', async () => {
    const { out } = await latentflowRun('workflows/txt2img.json', ['--set', 'unet.seed=5', '--set', 'schedule.steps=6']);
    const files = await pngsIn(out);
    expect(files).toEqual(['txt2img_00001.png']);
    const bytes = await readFile(path.join(out, files[0]));
    const png = decodePng(bytes);
    expect([png.width, png.height, png.channels]).toEqual([64, 64, 3]);
    const embedded = JSON.parse(readPngText(bytes).workflow);
    const shipped = JSON.parse(await readFile(path.join(root, 'workflows/txt2img.json'), 'utf8'));
    expect(Object.keys(embedded.nodes).sort()).toEqual(Object.keys(shipped.nodes).sort());
    expect(embedded.nodes.unet.inputs.seed).toBe(5);
    expect(embedded.nodes.schedule.inputs.steps).toBe(6);
  });

  it('txt2img takes the model\'s native size (64 for the tiny models) unless a size is set', async () => {
    const { out } = await latentflowRun('workflows/txt2img.json', ['--set', 'schedule.steps=2', '--set', 'latent.width=96']);
    const png = decodePng(await readFile(path.join(out, 'txt2img_00001.png')));
    expect([png.width, png.height]).toEqual([96, 64]);
  });

  it('gives byte-identical files for the same seed, and a different image for another seed', async () => {
    const args = ['--set', 'schedule.steps=5', '--set', 'schedule.sampler=euler_ancestral'];
    const [a, b, c] = await Promise.all([
      latentflowRun('workflows/txt2img.json', [...args, '--set', 'unet.seed=11']),
      latentflowRun('workflows/txt2img.json', [...args, '--set', 'unet.seed=11']),
      latentflowRun('workflows/txt2img.json', [...args, '--set', 'unet.seed=12']),
    ]);
    const read = async (dir: string) => decodePng(await readFile(path.join(dir, 'txt2img_00001.png')));
    const [bytesA, bytesB] = await Promise.all([a, b].map(({ out }) => readFile(path.join(out, 'txt2img_00001.png'))));
    expect(bytesA.equals(bytesB)).toBe(true);
    expect(Buffer.from((await read(a.out)).data).equals(Buffer.from((await read(c.out)).data))).toBe(false);
  });

  it('img2img writes a PNG from the shipped example image', async () => {
    const { out } = await latentflowRun('workflows/img2img.json', ['--set', 'schedule.steps=8']);
    const files = await pngsIn(out);
    expect(files).toEqual(['img2img_00001.png']);
    const png = decodePng(await readFile(path.join(out, files[0])));
    expect([png.width, png.height]).toEqual([64, 64]);
  });

  it('img2img reads the image from the input folder, cropped to multiples of 8', async () => {
    const input = await mkdtemp(path.join(tmpdir(), 'lf-e2e-input-'));
    const pixels = new Uint8Array(75 * 42 * 3).map((_, i) => (i * 13) & 0xff);
    await writeFile(path.join(input, 'mine.png'), encodePng({ width: 75, height: 42, channels: 3, data: pixels }));
    const { out } = await latentflowRun('workflows/img2img.json', ['--set', 'image.image=mine.png', '--set', 'schedule.steps=4'], input);
    const png = decodePng(await readFile(path.join(out, 'img2img_00001.png')));
    expect([png.width, png.height]).toEqual([72, 40]);
  });

  it('streams progress and a latent and an image preview for every UNet step', async () => {
    const { stdout } = await latentflowRun('workflows/txt2img.json', ['--set', 'schedule.steps=4', '--events', 'ndjson']);
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const unetEvents = events.filter((e) => e.nodeId === 'unet');
    expect(unetEvents.filter((e) => e.type === 'node_progress').map((e) => [e.value, e.max])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    const previews = unetEvents.filter((e) => e.type === 'node_preview');
    expect(previews.map((e) => e.preview.kind)).toEqual(['latent', 'image', 'latent', 'image', 'latent', 'image', 'latent', 'image']);
    const finished = events.find((e) => e.type === 'run_finished');
    expect(finished.outputs.save.images).toEqual([{ filename: 'txt2img_00001.png', width: 64, height: 64 }]);
  });

  it.each([
    ['inpaint', [64, 64]],
    ['outpaint', [96, 64]],
    ['hires-fix', [128, 128]],
    ['controlnet', [64, 64]],
  ] as const)('the shipped %s workflow runs headless on the shipped models and writes a %j PNG', async (name, size) => {
    const { out } = await latentflowRun(`workflows/${name}.json`, ['--set', 'schedule.steps=4']);
    const files = await pngsIn(out);
    expect(files).toHaveLength(1);
    const png = decodePng(await readFile(path.join(out, files[0])));
    expect([png.width, png.height]).toEqual(size);
  });

  it(`runs every sampler end to end (${SAMPLERS.length} branches of one workflow)`, async () => {
    // One process: the model, prompts and latent are shared; each sampler gets its own Scheduler -> UNetStep -> VAEDecode -> SaveImage.
    const base = JSON.parse(await readFile(path.join(root, 'workflows/txt2img.json'), 'utf8'));
    const { schedule, unet, decode, save, ...shared } = base.nodes;
    const nodes: Record<string, unknown> = { ...shared };
    for (const sampler of SAMPLERS) {
      nodes[`schedule_${sampler}`] = { ...schedule, inputs: { ...schedule.inputs, sampler, steps: 3 } };
      nodes[`unet_${sampler}`] = { ...unet, inputs: { ...unet.inputs, schedule: { from: `schedule_${sampler}`, output: 'schedule' } } };
      nodes[`decode_${sampler}`] = { ...decode, inputs: { ...decode.inputs, latent: { from: `unet_${sampler}`, output: 'latent' } } };
      nodes[`save_${sampler}`] = { ...save, inputs: { image: { from: `decode_${sampler}`, output: 'image' }, filename_prefix: sampler } };
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'lf-e2e-'));
    const file = path.join(dir, 'samplers.json');
    await writeFile(file, JSON.stringify({ version: 1, nodes }));
    const { out } = await latentflowRun(file);
    const files = await pngsIn(out);
    expect(files).toEqual(SAMPLERS.map((s) => `${s}_00001.png`).sort());
    for (const name of files) {
      const png = decodePng(await readFile(path.join(out, name)));
      // A sampler that diverged would decode NaNs/infinities into a flat image (one value, or black and white only).
      // The random tiny model saturates most pixels at 3 steps: 8-9 distinct values is what a working sampler gives here.
      const distinct = new Set(png.data).size;
      expect(distinct, name).toBeGreaterThan(2);
    }
  });
});
