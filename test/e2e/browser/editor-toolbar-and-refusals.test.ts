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

  it('arranges only the selected nodes: the others stay put and none is covered', async () => {
    const boxes = () => page.getByTestId('node').evaluateAll((nodes) => nodes.map((n) => {
      const r = n.getBoundingClientRect();
      return { id: n.getAttribute('data-node-id')!, selected: n.classList.contains('lf-selected'), x: r.x, y: r.y, w: r.width, h: r.height };
    }));
    type Box = Awaited<ReturnType<typeof boxes>>[number];
    const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    for (const [i, id] of ['model', 'save'].entries()) {
      await page.locator(`[data-node-id="${id}"] .lf-node-title`).click({ modifiers: i === 0 ? [] : ['Control'] });
    }
    await expect.poll(() => page.locator('.lf-selected').count()).toBe(2);
    const before = (await boxes()).filter((b) => !b.selected);
    await page.getByRole('button', { name: 'Arrange', exact: true }).click();
    await expect.poll(async () => {
      const after = await boxes();
      const moved = after.filter((b) => b.selected);
      const covered = moved.flatMap((m) => after.filter((o) => !o.selected && overlaps(m, o)).map((o) => `${m.id} over ${o.id}`));
      // Arrange ends with zoom-to-fit: compare the others' places relative to one of them, at the new zoom.
      const [anchor] = before;
      const anchorNow = after.find((a) => a.id === anchor.id)!;
      const zoom = anchorNow.w / anchor.w;
      const shifted = before.filter((b) => {
        const now = after.find((a) => a.id === b.id)!;
        return Math.abs(now.x - anchorNow.x - zoom * (b.x - anchor.x)) > 1 || Math.abs(now.y - anchorNow.y - zoom * (b.y - anchor.y)) > 1;
      }).map((b) => b.id);
      // Unlinked, the two share one column at the selection's left edge: the save node comes under the model.
      const [model, save] = ['model', 'save'].map((id) => after.find((a) => a.id === id)!);
      return { covered, shifted, saveUnderModel: Math.abs(save.x - model.x) < 1 && save.y > model.y + model.h };
    }).toEqual({ covered: [], shifted: [], saveUnderModel: true });
    await screenshot(page, 'arranged-selection');
  }, TEST_TIMEOUT);
});
