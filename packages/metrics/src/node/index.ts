/**
 * @packageDocumentation
 * Node-only helpers of @instr/metrics: PNG rendering (resvg) and atomic file writing.
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { InvalidArgumentError, IOError } from '@instr/core';
import type { Evaluation } from '../evaluate.js';
import type { ChartSpec } from '../plots/charts.js';
import { renderSvg } from '../plots/render.js';
import { type ReportOptions, renderReport } from '../plots/report.js';

/**
 * Options of {@link svgToPng}.
 * @example
 * ```ts
 * await svgToPng(svg, { scale: 3, background: 'transparent' });
 * ```
 */
export interface PngOptions {
  /** Pixel scale relative to the SVG's size (default 2, for sharp text). */
  scale?: number;
  /** Background colour (default white; `'transparent'` keeps alpha). */
  background?: string;
}

/**
 * Rasterises an SVG string to PNG bytes with resvg (prebuilt native binaries shipped in npm packages;
 * uses the system's fonts). Node only.
 * @example
 * ```ts
 * const png = await svgToPng(await renderSvg(rocCurvesChart(ev)));
 * ```
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new InvalidArgumentError(`scale must be a positive number; got ${scale}.`, {
      details: { key: 'scale', actual: scale },
    });
  }
  const { Resvg } = await import('@resvg/resvg-js');
  const background = options.background ?? 'white';
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: background === 'transparent' ? undefined : background,
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(r.render().asPng());
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder, then a rename.
 * @throws {@link IOError} when the file cannot be written.
 * @example
 * ```ts
 * await writeFileAtomic('out/report.html', html);
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (cause) {
    await unlink(tmp).catch(() => undefined);
    throw new IOError(`Could not write ${path}: ${(cause as Error).message}`, {
      cause,
      details: { file: path },
    });
  }
}

/**
 * Renders a chart and writes it as `.svg` or `.png` (chosen by the extension), atomically.
 * @example
 * ```ts
 * await writeChart('roc.png', rocCurvesChart(ev));
 * ```
 */
export async function writeChart(path: string, spec: ChartSpec, options: PngOptions = {}): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') {
    throw new InvalidArgumentError(`Chart files must end in .svg or .png; got "${path}".`, {
      details: { key: 'path', actual: path },
    });
  }
  const svg = await renderSvg(spec);
  await writeFileAtomic(path, ext === '.svg' ? svg : await svgToPng(svg, options));
}

/**
 * Renders the HTML report of an evaluation (see `renderReport`) and writes it atomically.
 * @example
 * ```ts
 * await writeReport('report.html', evaluate(yTrue, yScore), { title: 'Validation, epoch 12' });
 * ```
 */
export async function writeReport(
  path: string,
  evaluation: Evaluation,
  options: ReportOptions = {},
): Promise<void> {
  await writeFileAtomic(path, await renderReport(evaluation, options));
}
