import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, launchBrowser, screenshot, watchConsole, type Browser } from './chromium.ts';
import { startEditorServer, type EditorServer } from './editor-server.ts';

const canRun = chromiumAvailable() || Boolean(process.env.CI);
const RUN_TIMEOUT = 120_000;
const TEST_TIMEOUT = 300_000;

describe.skipIf(!canRun)('the editor at a 1280 x 800 window', () => {
  let server: EditorServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startEditorServer();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    errors = watchConsole(page);
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.close();
  }, TEST_TIMEOUT);

  it('shows the whole toolbar without scrolling, every button inside the window', async () => {
    await page.goto(`${server.url}#/editor?workflow=txt2img`);
    await expect.poll(() => page.getByTestId('node').count()).toBeGreaterThan(0);
    const toolbar = page.getByRole('toolbar');
    const { scrollWidth, clientWidth } = await toolbar.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const bar = (await toolbar.boundingBox())!;
    for (const button of await toolbar.getByRole('button').all()) {
      const box = (await button.boundingBox())!;
      expect(box.x, await button.textContent() ?? '').toBeGreaterThanOrEqual(bar.x);
      expect(box.x + box.width, await button.textContent() ?? '').toBeLessThanOrEqual(bar.x + bar.width);
    }
    await screenshot(page, 'toolbar-1280');
    expect(errors).toEqual([]);
  }, TEST_TIMEOUT);

  it('after a refused Queue says failed and shows no image or status of the previous run', async () => {
    const steps = page.getByRole('spinbutton', { name: 'schedule.steps' });
    await steps.fill('2');
    await page.getByTestId('queue').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: RUN_TIMEOUT }).toBe('finished');
    const savedImage = page.locator('[data-node-id="save"] [data-testid="node-preview"] img');
    await savedImage.waitFor();

    await steps.fill('0');
    await page.getByTestId('queue').click();
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('failed');
    await expect.poll(() => savedImage.count()).toBe(0);
    expect(await page.locator('[data-node-id="save"]').getAttribute('data-state')).toBe('idle');
    await screenshot(page, 'refused-queue');
    // The browser itself logs the 400 answer; nothing else may appear.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  }, TEST_TIMEOUT);
});
