import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');

if (!existsSync(CHROMIUM)) console.warn(`Skipping the browser test: ${CHROMIUM} is not installed.`);

describe.skipIf(!existsSync(CHROMIUM))('the main entry in a real browser', () => {
  it('bundles for the browser (no node: imports) and computes metrics and SVG charts in Chromium', async () => {
    const esbuild = await import('esbuild');
    mkdirSync(ARTIFACTS, { recursive: true });
    const entry = join(ARTIFACTS, 'browser-entry.js');
    writeFileSync(
      entry,
      `import { evaluate, renderSvg, rocCurvesChart, lwlrap } from ${JSON.stringify(join(import.meta.dirname, '..', 'src', 'index.ts'))};
       const yTrue = [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]];
       const yScore = [[0.9, 0.2, 0.6], [0.1, 0.8, 0.3], [0.7, 0.4, 0.2], [0.3, 0.1, 0.9]];
       const ev = evaluate(yTrue, yScore);
       const svg = await renderSvg(rocCurvesChart(ev));
       window.__result = { auc: ev.summary.rocAuc.macro, lwlrap: lwlrap(yTrue, yScore).lwlrap, svg: svg.slice(0, 4), len: svg.length };`,
    );
    const out = join(ARTIFACTS, 'browser-bundle.js');
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['instr-source'],
      outfile: out,
      logLevel: 'silent',
    });
    writeFileSync(
      join(ARTIFACTS, 'browser.html'),
      '<!doctype html><script type="module" src="browser-bundle.js"></script>',
    );
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, '--allow-file-access-from-files'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${join(ARTIFACTS, 'browser.html')}`);
      await page.waitForFunction(
        () => (window as unknown as { __result?: unknown }).__result !== undefined,
        null,
        { timeout: 30_000 },
      );
      const r = await page.evaluate(
        () =>
          (window as unknown as { __result: { auc: number; lwlrap: number; svg: string; len: number } })
            .__result,
      );
      expect(errors).toEqual([]);
      expect(r.auc).toBe(1);
      expect(r.lwlrap).toBe(1);
      expect(r.svg).toBe('<svg');
      expect(r.len).toBeGreaterThan(1000);
    } finally {
      await browser.close();
    }
  });
});
