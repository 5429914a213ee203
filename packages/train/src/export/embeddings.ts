import { type InstrumentSet, InvalidArgumentError, Rng, Tensor } from '@instr/core';
import { type ChartSpec, renderSvg } from '@instr/metrics';
import { writeFileAtomic } from '@instr/metrics/node';
import { PCA } from 'ml-pca';
import { UMAP } from 'umap-js';
import { batchFileRanges } from '../evaluate/files.js';
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
 * Penultimate-layer embeddings of every example (the input of the last dense layer). When batches carry
 * `files` (several windows per file, `DataPipeline` with `windows: 'model'`), a file's embedding is the mean of
 * its windows' embeddings, so there is one point per file.
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
    const ranges = batchFileRanges(b, b.y.dims[0]!);
    const pooled = new Float32Array(ranges.length * d);
    ranges.forEach(([from, to], f) => {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let r = from; r < to; r++) s += e.data[r * d + j] as number;
        pooled[f * d + j] = s / (to - from);
      }
      for (let k = 0; k < c; k++) labels.push(b.y.data[from * c + k]!);
      ids.push(b.ids?.[from] ?? String(ids.length));
    });
    rows.push(pooled);
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

/** Options of {@link umap2d}. */
export interface UmapOptions {
  /** Default 15 (clipped to N − 1). */
  nNeighbors?: number;
  /** Default 0.1. */
  minDist?: number;
  /** Optimisation epochs. Default: umap-js's choice (200–500 by size). */
  nEpochs?: number;
  /** Seed of the layout. Default 0. */
  seed?: number;
}

/**
 * 2-D UMAP projection (`umap-js`, seeded with an {@link Rng} so the layout is reproducible). The explained
 * variance is not defined for UMAP and is reported as `[NaN, NaN]`.
 * @throws InvalidArgumentError with fewer than 3 examples.
 * @example
 * ```ts
 * const { points } = umap2d(e.embeddings, { seed: 1 });
 * ```
 */
export function umap2d(embeddings: Tensor, options: UmapOptions = {}): Projection {
  const [n, d] = embeddings.dims as [number, number];
  if (!(n >= 3) || embeddings.rank !== 2) {
    throw new InvalidArgumentError(`umap2d needs [N ≥ 3, D] embeddings, got [${embeddings.dims}].`, {
      details: { key: 'embeddings', actual: embeddings.dims },
    });
  }
  const rows = Array.from({ length: n }, (_, i) =>
    Array.from(embeddings.data.subarray(i * d, (i + 1) * d) as Float32Array),
  );
  const rng = new Rng(options.seed ?? 0);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.nNeighbors ?? 15, n - 1),
    minDist: options.minDist ?? 0.1,
    ...(options.nEpochs ? { nEpochs: options.nEpochs } : {}),
    random: () => rng.uniform(),
  });
  const out = umap.fit(rows);
  return {
    points: out.map((r) => [r[0] ?? 0, r[1] ?? 0] as [number, number]),
    explainedVariance: [Number.NaN, Number.NaN],
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
  const axis = (i: number, v: number) =>
    Number.isFinite(v) ? `PC${i} (${(100 * v).toFixed(1)}%)` : `dim ${i}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 420,
    height: 360,
    data: { values },
    mark: { type: 'point', filled: true, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axis(1, a) },
      y: { field: 'y', type: 'quantitative', title: axis(2, b) },
      color: { field: 'label', type: 'nominal', title: 'First label', scale: { scheme: 'tableau10' } },
    },
  };
}

/**
 * Writes embeddings as TSV (`embeddings.tsv` + `embeddings_meta.tsv`, the TensorBoard projector format the
 * reference exported) and the PCA scatter as SVG (`pca.svg`; with `umap`, also `umap.svg`), atomically, into `dir`.
 * @example
 * ```ts
 * await writeEmbeddings('runs/a/embeddings', e, instruments);
 * ```
 */
export async function writeEmbeddings(
  dir: string,
  e: Embeddings,
  instruments: InstrumentSet,
  options: { umap?: boolean | UmapOptions } = {},
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
  if (options.umap && e.embeddings.dims[0]! >= 3) {
    const u = umap2d(e.embeddings, options.umap === true ? {} : options.umap);
    await writeFileAtomic(
      `${dir}/umap.svg`,
      await renderSvg(projectionChart(u, e.labels, instruments, 'Embeddings (UMAP)')),
    );
  }
  return proj;
}
