import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import {
  bootstrap,
  datasetStats,
  evaluate,
  findBestThresholdsPerClass,
  meanAveragePrecision,
  perClassMetricsChart,
  renderReport,
  renderSvg,
  reportChartIds,
  rocCurvesChart,
  trainingCurvesChart,
  cooccurrenceChart,
} from '../src/index.js';
import { svgToPng, writeChart, writeReport } from '../src/node/index.js';
import { fakeEvaluationData } from './fake.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const { yTrue, yScore, instruments, history } = fakeEvaluationData(600, 7);
const thresholds = findBestThresholdsPerClass(yTrue, yScore, { fine: 200 }).thresholds;
const ev = evaluate(yTrue, yScore, { instruments, thresholds });
const options = {
  title: 'IRMAS test (fake model)',
  subtitle: 'Seeded fake evaluation',
  history,
  intervals: {
    mAP: bootstrap(yTrue, yScore, (t, s) => meanAveragePrecision(t, s), { seed: 1, nResamples: 50 }),
  },
};

describe('charts and HTML report', () => {
  it('renders charts to SVG and PNG', async () => {
    const svg = await renderSvg(perClassMetricsChart(ev));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Cello');
    const png = await svgToPng(await renderSvg(rocCurvesChart(ev)), { scale: 1 });
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const dir = await mkdtemp(join(tmpdir(), 'instr-metrics-'));
    await writeChart(join(dir, 'train.svg'), trainingCurvesChart(history));
    await writeChart(join(dir, 'co.png'), cooccurrenceChart(datasetStats(yTrue), instruments));
    expect((await readdir(dir)).sort()).toEqual(['co.png', 'train.svg']);
    await expect(writeChart(join(dir, 'x.jpg'), trainingCurvesChart(history))).rejects.toThrow(
      /\.svg or \.png/,
    );
  });

  it('writes a self-contained report with every chart inline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'instr-metrics-'));
    const path = join(dir, 'report.html');
    await writeReport(path, ev, options);
    const html = readFileSync(path, 'utf8');
    expect(await readdir(dir)).toEqual(['report.html']); // no temp file left behind
    for (const id of reportChartIds(ev, options)) expect(html).toContain(`data-plot="${id}"`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http/);
    expect(html).toContain('<td>Cello</td>');
    expect(html).toContain('95% CI');
  });
});

describe.skipIf(!existsSync(CHROMIUM))('report in headless Chromium', () => {
  it('shows every plot with a non-empty size', async () => {
    const { chromium } = await import('playwright-core');
    mkdirSync(ARTIFACTS, { recursive: true });
    const htmlPath = join(ARTIFACTS, 'report.html');
    await writeReport(htmlPath, ev, options);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${htmlPath}`);
      const plots = await page.evaluate(() =>
        [...document.querySelectorAll('figure[data-plot]')].map((f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            id: (f as HTMLElement).dataset.plot,
            w: box?.width ?? 0,
            h: box?.height ?? 0,
            marks: svg?.querySelectorAll('path, rect, text').length ?? 0,
          };
        }),
      );
      expect(plots.map((p) => p.id)).toEqual(reportChartIds(ev, options));
      for (const p of plots) {
        expect(p.w, p.id).toBeGreaterThan(200);
        expect(p.h, p.id).toBeGreaterThan(150);
        expect(p.marks, p.id).toBeGreaterThan(10);
      }
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

if (!existsSync(CHROMIUM)) console.warn(`Skipping the Chromium report test: ${CHROMIUM} is not installed.`);

describe('report without calibration', () => {
  it('omits the reliability diagram when scores are logits', async () => {
    const logits = yScore.map((r) => r.map((p) => Math.log(p / (1 - p))));
    const evl = evaluate(yTrue, logits, { instruments, thresholds: 0 });
    expect(evl.calibration).toBeUndefined();
    expect(Number.isNaN(evl.summary.ece)).toBe(true);
    const html = await renderReport(evl);
    expect(html).not.toContain('data-plot="reliability"');
    expect(reportChartIds(evl)).not.toContain('reliability');
    // same decisions as probabilities at 0.5
    expect(evl.summary.f1).toEqual(evaluate(yTrue, yScore, { instruments, thresholds: 0.5 }).summary.f1);
  });
});
