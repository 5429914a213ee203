import { type InstrumentSet, InvalidArgumentError, Tensor } from '@instr/core';
import { type ChartSpec, renderSvg } from '@instr/metrics';
import { writeFileAtomic } from '@instr/metrics/node';
import { PCA } from 'ml-pca';
import type { TrainBatchIterable } from '../loop/batches.js';
import type { Predictor } from './export.js';

/** Embeddings of a dataset (see {@link collectEmbeddings}). */
export interface Embeddings {
  /** `[N, D]` penultimate-layer activations. */
  embeddings: Tensor<'float32'>;
  /** `[N, C]` labels. */
  labels: Tensor<'float32'>;
  ids: string[];
}

/**
 * Penultimate-layer embeddings of every example (the input of the last dense layer).
 * @example
 * ```ts
 * const e = await collectEmbeddings(await createPredictor(ort, model, shape, weights), val.batches());
 * ```
 */
export async function collectEmbeddings(
  predictor: Predictor,
  batches: TrainBatchIterable,
): Promise<Embeddings> {
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  let d = 0;
  let c = 0;
  for await (const b of batches) {
    const e = await predictor.embed(b.x);
    d = e.dims[1]!;
    c = b.y.dims[1]!;
    rows.push(new Float32Array(e.data));
    for (let i = 0; i < b.y.size; i++) labels.push(b.y.data[i]!);
    for (let i = 0; i < b.y.dims[0]!; i++) ids.push(b.ids?.[i] ?? String(ids.length));
  }
  const n = ids.length;
  const data = new Float32Array(n * d);
  let off = 0;
  for (const r of rows) {
    data.set(r, off);
    off += r.length;
  }
  return {
    embeddings: new Tensor('float32', data, [n, d]),
    labels: Tensor.from('float32', labels, [n, c]),
    ids,
  };
}

/** A 2-D projection: points and the explained-variance ratio of each axis. */
export interface Projection {
  points: [number, number][];
  explainedVariance: [number, number];
}

/**
 * 2-D PCA projection (centred, via `ml-pca`'s SVD) of `[N, D]` embeddings.
 * @throws InvalidArgumentError with fewer than 2 examples.
 * @example
 * ```ts
 * const { points, explainedVariance } = pca2d(e.embeddings);
 * ```
 */
export function pca2d(embeddings: Tensor): Projection {
  const [n, d] = embeddings.dims as [number, number];
  if (!(n >= 2) || embeddings.rank !== 2) {
    throw new InvalidArgumentError(`pca2d needs [N ≥ 2, D] embeddings, got [${embeddings.dims}].`, {
      details: { key: 'embeddings', actual: embeddings.dims },
    });
  }
  const rows = Array.from({ length: n }, (_, i) =>
    Array.from(embeddings.data.subarray(i * d, (i + 1) * d) as Float32Array),
  );
  const pca = new PCA(rows, { center: true, scale: false });
  const proj = pca.predict(rows, { nComponents: Math.min(2, d) }).to2DArray();
  const ev = pca.getExplainedVariance();
  return {
    points: proj.map((r) => [r[0] ?? 0, r[1] ?? 0] as [number, number]),
    explainedVariance: [ev[0] ?? 0, ev[1] ?? 0],
  };
}

/**
 * Vega-Lite scatter of a 2-D projection coloured by the first label of each example (render with
 * `renderSvg` from `@instr/metrics`).
 * @example
 * ```ts
 * const svg = await renderSvg(projectionChart(pca2d(e.embeddings), e.labels, instruments));
 * ```
 */
export function projectionChart(
  projection: Projection,
  labels: Tensor,
  instruments: InstrumentSet,
  title = 'Embeddings (PCA)',
): ChartSpec {
  const c = labels.dims[1]!;
  const values = projection.points.map(([x, y], i) => {
    const present = instruments.codes.filter((_, k) => Number(labels.data[i * c + k]) > 0.5);
    return {
      x,
      y,
      label: present.length === 0 ? '(none)' : present.length === 1 ? present[0] : `${present[0]}+`,
    };
  });
  const [a, b] = projection.explainedVariance;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 420,
    height: 360,
    data: { values },
    mark: { type: 'point', filled: true, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: `PC1 (${(100 * a).toFixed(1)}%)` },
      y: { field: 'y', type: 'quantitative', title: `PC2 (${(100 * b).toFixed(1)}%)` },
      color: { field: 'label', type: 'nominal', title: 'First label', scale: { scheme: 'tableau10' } },
    },
  };
}

/**
 * Writes embeddings as TSV (`embeddings.tsv` + `embeddings_meta.tsv`, the TensorBoard projector format the
 * reference exported) and the PCA scatter as SVG, atomically, into `dir`.
 * @example
 * ```ts
 * await writeEmbeddings('runs/a/embeddings', e, instruments);
 * ```
 */
export async function writeEmbeddings(
  dir: string,
  e: Embeddings,
  instruments: InstrumentSet,
): Promise<Projection> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const [n, d] = e.embeddings.dims as [number, number];
  const c = e.labels.dims[1]!;
  const lines: string[] = [];
  const meta: string[] = ['id\tinstruments'];
  for (let i = 0; i < n; i++) {
    lines.push(Array.from(e.embeddings.data.subarray(i * d, (i + 1) * d)).join('\t'));
    const present = instruments.codes.filter((_, k) => e.labels.data[i * c + k]! > 0.5);
    meta.push(`${e.ids[i]}\t${present.join(',')}`);
  }
  await writeFileAtomic(`${dir}/embeddings.tsv`, `${lines.join('\n')}\n`);
  await writeFileAtomic(`${dir}/embeddings_meta.tsv`, `${meta.join('\n')}\n`);
  const proj = pca2d(e.embeddings);
  await writeFileAtomic(`${dir}/pca.svg`, await renderSvg(projectionChart(proj, e.labels, instruments)));
  return proj;
}
