import { InvalidArgumentError } from '@instr/core';
import type { ChartSpec } from './charts.js';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');
let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

/** Loads vega and vega-lite once, on first use, so importing @instr/metrics stays cheap. */
function load(): Promise<[VegaModule, VegaLiteModule]> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]);
  return modules;
}

/**
 * Renders a Vega-Lite chart to a standalone SVG string, headless (no canvas, no DOM): works in Node,
 * browsers and workers. Text uses the chart's font family; the SVG has no external references.
 *
 * @throws {@link InvalidArgumentError} when vega-lite rejects the spec.
 * @example
 * ```ts
 * const svg = await renderSvg(rocCurvesChart(evaluation));
 * document.body.insertAdjacentHTML('beforeend', svg);
 * ```
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const [vega, vl] = await load();
  let compiled: ReturnType<VegaLiteModule['compile']>;
  try {
    compiled = vl.compile(spec as unknown as Parameters<VegaLiteModule['compile']>[0]);
  } catch (cause) {
    throw new InvalidArgumentError(`Invalid Vega-Lite chart spec: ${(cause as Error).message}`, { cause });
  }
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
