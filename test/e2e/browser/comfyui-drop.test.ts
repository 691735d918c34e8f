import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, launchBrowser, screenshot, watchConsole, type Browser } from './chromium.ts';
import { startEditorServer, type EditorServer } from './editor-server.ts';

const canRun = chromiumAvailable() || Boolean(process.env.CI);
const TEST_TIMEOUT = 300_000;
const fixture = (name: string) => JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../compat/comfyui/fixtures', name), 'utf8'));

describe.skipIf(!canRun)('the editor opens a ComfyUI workflow dropped onto the canvas', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startEditorServer();
    page = await browser.context.newPage();
    errors = watchConsole(page);
    page.on('dialog', (dialog) => void dialog.accept());
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.close();
  }, TEST_TIMEOUT);

  it('converts the UI format (reroute, primitive, bypass, mute, split sampler) into the graph', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('node').count()).toBeGreaterThan(0);
    const workflow = fixture('split-sampler-ui.json');
    workflow.nodes.find((node: { type: string }) => node.type === 'CheckpointLoaderSimple').widgets_values = ['tiny'];
    await page.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'comfy-split.json', { type: 'application/json' }));
      const canvas = document.querySelector('[data-testid="canvas"]')!;
      canvas.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, JSON.stringify(workflow));
    // LoadModel, 2 x (Tokenizer + TextEncoder), EmptyLatent, 2 x (Scheduler + UNetStep), VAEDecode, SaveImage.
    await expect.poll(() => page.getByTestId('node').count()).toBe(12);
    expect(await page.locator('[data-node-id="13"]').count()).toBe(1);
    expect(await page.locator('[data-node-id="14"]').count()).toBe(0);
    await expect.poll(() => page.getByTestId('connection').count()).toBeGreaterThanOrEqual(15);
    await screenshot(page, 'comfyui-drop');
    expect(errors).toEqual([]);
  }, TEST_TIMEOUT);
});
