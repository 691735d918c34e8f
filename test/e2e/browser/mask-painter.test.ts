import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import loadImage from '../../../nodes/load-image.ts';
import { EXAMPLE_IMAGES_DIR } from '../../../nodes/load-image.ts';
import { decodePng } from '../../../nodes/lib/png.ts';
import { fakeContext } from '../../nodes/fake-context.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchBrowser, screenshot, watchConsole, type Browser } from './chromium.ts';
import { startEditorServer, type EditorServer } from './editor-server.ts';

const canRun = chromiumAvailable() || Boolean(process.env.CI);
if (!canRun) console.warn(`\n*** SKIPPING the mask painter browser test: ${CHROMIUM_PATH} is missing (apt-get install chromium). ***\n`);

const TEST_TIMEOUT = 300_000;
const SAVE_TIMEOUT = 20_000;

/** Drags the mouse over the element between two points given as fractions of its box. */
async function drag(page: Page, target: Locator, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await target.boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 12 });
  await page.mouse.up();
}

describe.skipIf(!canRun)('the mask painter in a real browser', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startEditorServer();
    page = await browser.context.newPage();
    errors = watchConsole(page);
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.close();
  }, TEST_TIMEOUT);

  it('paints and erases a mask on LoadImage\'s image, saves it into the upload\'s alpha, and LoadImage gives it as its mask', async () => {
    await page.goto(`${server.url}#/editor?workflow=img2img`);
    const imageName = page.getByRole('textbox', { name: 'image.image' });
    await expect.poll(() => imageName.inputValue()).toBe('example.png');
    await page.getByRole('button', { name: 'image.image mask' }).click();
    const painter = page.getByTestId('mask-painter');
    const canvas = painter.getByTestId('mask-canvas');
    await canvas.waitFor();

    await painter.locator('input[name="brush-size"]').fill('12');
    await drag(page, canvas, [0.25, 0.2], [0.25, 0.8]); // a vertical band around x = 16 of 64
    await painter.getByRole('button', { name: 'Eraser' }).click();
    await drag(page, canvas, [0.1, 0.7], [0.4, 0.7]); // erased again across y = 45
    await screenshot(page, 'mask-01-painted');
    await painter.getByRole('button', { name: 'Save mask' }).click();
    await expect.poll(() => imageName.inputValue(), { timeout: SAVE_TIMEOUT }).toBe('example-masked.png'); // after the upload is decoded by the server
    expect(await painter.count()).toBe(0);

    const inputDir = path.join(server.server.context.dataDir, 'projects', 'default', 'inputs');
    const saved = decodePng(readFileSync(path.join(inputDir, 'example-masked.png')));
    const original = decodePng(readFileSync(path.join(EXAMPLE_IMAGES_DIR, 'example.png')));
    expect([saved.width, saved.height, saved.channels]).toEqual([64, 64, 4]);
    expect(saved.text['latentflow-mask-source']).toBe('example.png');
    const alpha = (x: number, y: number) => saved.data[(y * 64 + x) * 4 + 3];
    expect(alpha(16, 20)).toBe(0); // painted
    expect(alpha(16, 30)).toBe(0);
    expect(alpha(16, 45)).toBe(255); // erased
    expect(alpha(48, 30)).toBe(255); // never painted
    // The colours under the mask are the original's, not the black a canvas would leave.
    const rgb = (pixels: typeof saved, x: number, y: number) => Array.from(pixels.data.subarray((y * 64 + x) * pixels.channels, (y * 64 + x) * pixels.channels + 3));
    expect(rgb(saved, 16, 30)).toEqual(rgb(original, 16, 30));

    const { mask } = await loadImage.execute({ image: 'example-masked.png' }, await fakeContext({ env: { inputDir } }));
    expect(mask.data[30 * 64 + 16]).toBe(1);
    expect(mask.data[45 * 64 + 16]).toBe(0);
    expect(mask.data[30 * 64 + 48]).toBe(0);
    const covered = mask.data.reduce((sum, v) => sum + v, 0) / mask.data.length;
    expect(covered).toBeGreaterThan(0.08);
    expect(covered).toBeLessThan(0.3);

    // Reopened, the painter shows the saved mask over the original; clearing it saves an opaque image.
    await page.getByRole('button', { name: 'image.image mask' }).click();
    await canvas.waitFor();
    const shownAlpha = (x: number, y: number) => canvas.evaluate((c: HTMLCanvasElement, [px, py]) => c.getContext('2d')!.getImageData(px, py, 1, 1).data[3], [x, y]);
    expect(await shownAlpha(16, 30)).toBe(255);
    expect(await shownAlpha(48, 30)).toBe(0);
    await painter.getByRole('button', { name: 'Clear' }).click();
    await painter.getByRole('button', { name: 'Save mask' }).click();
    await expect.poll(() => imageName.inputValue(), { timeout: SAVE_TIMEOUT }).toBe('example-masked_1.png');
    const cleared = decodePng(readFileSync(path.join(inputDir, 'example-masked_1.png')));
    expect(cleared.text['latentflow-mask-source']).toBe('example.png');
    expect(cleared.data.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    expect(errors).toEqual([]);
  }, TEST_TIMEOUT);
});
