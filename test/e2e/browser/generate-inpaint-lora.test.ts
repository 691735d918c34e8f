import { copyFileSync, cpSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page, Request } from 'playwright-core';
import { EXAMPLE_IMAGES_DIR } from '../../../nodes/load-image.ts';
import { decodePng } from '../../../nodes/lib/png.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchBrowser, screenshot, watchConsole, type Browser } from './chromium.ts';
import { startEditorServer, type EditorServer } from './editor-server.ts';
import { meanDifference } from '../../support/pixel-difference.ts';

const canRun = chromiumAvailable() || Boolean(process.env.CI);
if (!canRun) console.warn(`\n*** SKIPPING the generate page inpaint/LoRA browser test: ${CHROMIUM_PATH} is missing (apt-get install chromium). ***\n`);

const ROOT = path.resolve(import.meta.dirname, '../../..');
const RUN_TIMEOUT = 120_000;
const TEST_TIMEOUT = 300_000;
const LORA = 'shapes-tiny-pink';
const EMBEDDING = 'shapes-pink';

async function drag(page: Page, target: Locator, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await target.boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 12 });
  await page.mouse.up();
}

/** The body of the next run the page queues. */
const nextRun = (page: Page) =>
  page.waitForRequest((r: Request) => r.method() === 'POST' && /\/api\/projects\/[^/]+\/runs$/.test(new URL(r.url()).pathname)).then((r) => r.postDataJSON());

describe.skipIf(!canRun)('the generate page in a real browser: inpaint mode and the LoRA picker', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startEditorServer();
    // LoadModel's auto model is shapes-tiny once it is there; with the LoRA and embedding trained for it.
    const dataDir = server.server.context.dataDir;
    cpSync(path.join(ROOT, 'data/models/shapes-tiny'), path.join(dataDir, 'models/shapes-tiny'), { recursive: true });
    mkdirSync(path.join(dataDir, 'loras'), { recursive: true });
    mkdirSync(path.join(dataDir, 'embeddings'), { recursive: true });
    copyFileSync(path.join(ROOT, `data/loras/${LORA}.safetensors`), path.join(dataDir, `loras/${LORA}.safetensors`));
    copyFileSync(path.join(ROOT, `data/loras/${LORA}.safetensors`), path.join(dataDir, `loras/${LORA}-copy.safetensors`));
    copyFileSync(path.join(ROOT, `data/embeddings/${EMBEDDING}.safetensors`), path.join(dataDir, `embeddings/${EMBEDDING}.safetensors`));
    page = await browser.context.newPage();
    errors = watchConsole(page);
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.close();
  }, TEST_TIMEOUT);

  it('inpaints a painted region of the init image through the shipped inpaint workflow', async () => {
    await page.goto(`${server.url}#/projects/default/generate`);
    await page.locator('textarea[name="prompt"]').fill('a green circle on a blue background');
    await page.locator('input[name="steps"]').fill('12');
    const example = readFileSync(path.join(EXAMPLE_IMAGES_DIR, 'example.png'));
    await page.locator('input[name="init-image"]').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: example });
    await page.locator('input[name="strength"]').fill('1');

    await page.getByRole('button', { name: 'Paint mask (inpaint)…' }).click();
    const painter = page.getByTestId('mask-painter');
    const canvas = painter.getByTestId('mask-canvas');
    await canvas.waitFor();
    await painter.locator('input[name="brush-size"]').fill('20');
    for (const y of [0.3, 0.5, 0.7]) await drag(page, canvas, [0.55, y], [0.95, y]); // the right part of the image
    await painter.getByRole('button', { name: 'Save mask' }).click();
    await expect.poll(() => page.getByTestId('mask-status').textContent()).toMatch(/inpaint: \d+% of the image masked/);
    await screenshot(page, 'generate-inpaint-01-masked');

    const queued = nextRun(page);
    await page.getByTestId('generate').click();
    const run = await queued;
    expect(run.workflowName).toBe('inpaint');
    const masked = run.overrides['image.image'];
    expect(masked).toMatch(/^scene-masked(_\d+)?\.png$/);
    expect(run.overrides).toMatchObject({ 'mask.image': masked, 'mask.channel': 'alpha', 'schedule.denoise': 1, 'positive.text': 'a green circle on a blue background' });
    await expect.poll(() => page.getByTestId('generate-status').textContent(), { timeout: RUN_TIMEOUT }).toBe('finished');
    const url = await page.getByTestId('generated-image').getAttribute('src');
    const result = decodePng(await (await page.request.get(new URL(url!, server.url).href)).body());
    await screenshot(page, 'generate-inpaint-02-finished');

    // The upload holds the painted mask in its alpha; the image came back with the unmasked part kept.
    const upload = decodePng(readFileSync(path.join(server.server.context.dataDir, 'projects/default/inputs', masked)));
    const transparent = (x: number, y: number) => upload.data[(y * 64 + x) * 4 + 3] === 0;
    const kept = (x: number) => x < 24; // never painted: the brush started at x = 35
    expect(transparent(50, 32)).toBe(true);
    expect(transparent(10, 32)).toBe(false);
    const original = decodePng(example);
    expect([result.width, result.height]).toEqual([64, 64]);
    const outside = meanDifference(result, original, kept);
    const inside = meanDifference(result, original, transparent);
    console.log(`generate page inpaint on shapes-tiny: mean |difference| from the input ${outside.toFixed(1)} outside the mask, ${inside.toFixed(1)} inside`);
    expect(outside).toBeLessThan(inside);
    expect(errors).toEqual([]);
  }, TEST_TIMEOUT);

  it('adds a LoraLoader per chosen LoRA with its strength to the run, and inserts an embedding into the prompt', async () => {
    await page.goto(`${server.url}#/projects/default/generate`);
    await page.reload();
    await page.locator('input[name="steps"]').fill('3');
    const picker = page.getByTestId('lora-picker');
    await picker.getByRole('button', { name: 'Add LoRA' }).click();
    await picker.locator('select[name="lora-0"]').selectOption(LORA);
    await picker.locator('input[name="lora-strength-0"]').fill('0.8');
    await picker.getByRole('button', { name: 'Add LoRA' }).click();
    await picker.locator('select[name="lora-1"]').selectOption(`${LORA}-copy`);
    await picker.locator('input[name="lora-strength-1"]').fill('-0.35');
    await page.locator('textarea[name="prompt"]').fill('a red circle');
    await page.getByTestId('embeddings').getByRole('button', { name: EMBEDDING }).click();
    expect(await page.locator('textarea[name="prompt"]').inputValue()).toBe(`a red circle, embedding:${EMBEDDING}`);

    const queued = nextRun(page);
    await page.getByTestId('generate').click();
    const { workflow } = await queued;
    expect(workflow.nodes.lora0).toEqual({
      type: 'LoraLoader',
      inputs: { unet: { from: 'model', output: 'unet' }, clip: { from: 'model', output: 'clip' }, lora_name: LORA, strength_model: 0.8, strength_clip: 0.8 },
    });
    expect(workflow.nodes.lora1.inputs).toMatchObject({ unet: { from: 'lora0', output: 'unet' }, clip: { from: 'lora0', output: 'clip' }, lora_name: `${LORA}-copy`, strength_model: -0.35 });
    expect(workflow.nodes.unet.inputs.unet).toEqual({ from: 'lora1', output: 'unet' });
    expect(workflow.nodes.positive.inputs).toMatchObject({ clip: { from: 'lora1', output: 'clip' }, text: `a red circle, embedding:${EMBEDDING}` });
    expect(workflow.nodes.schedule.inputs.steps).toBe(3);
    await expect.poll(() => page.getByTestId('generate-status').textContent(), { timeout: RUN_TIMEOUT }).toBe('finished');
    await expect.poll(() => page.getByTestId('generated-image').count()).toBe(1);
    await screenshot(page, 'generate-lora-01-finished');

    await picker.getByRole('button', { name: 'Remove' }).first().click();
    await picker.getByRole('button', { name: 'Remove' }).click();
    const plain = nextRun(page);
    await page.getByTestId('generate').click();
    expect(await plain).toMatchObject({ workflowName: 'txt2img' });
    await expect.poll(() => page.getByTestId('generate-status').textContent(), { timeout: RUN_TIMEOUT }).toBe('finished');
    expect(errors).toEqual([]);
  }, TEST_TIMEOUT);
});
