import {
  ConfigError,
  type FeatureSpec,
  type InstrumentSet,
  MODEL_METADATA_KEY,
  ModelError,
  type ModelMetadata,
  parseModelMetadata,
  ShapeError,
  Tensor,
  type WindowSpec,
} from '@instr/core';
import {
  buildInferenceModel,
  type Dim,
  decodeCheckpoint,
  type EncodedModel,
  encodeModel,
  foldBatchNorm,
  GraphBuilder,
  lowerGraph,
  type ModelFn,
  type OrtModule,
} from '@instr/models';
import { writeModelFiles } from '@instr/models/node';
import type { InferenceSession } from 'onnxruntime-common';
import type { TrainBatchIterable } from '../loop/batches.js';

/** What {@link buildMetadata} needs (everything `@instr/infer` needs to reproduce the training input). */
export interface MetadataInput {
  name: string;
  instruments: InstrumentSet;
  sampleRate: number;
  features: FeatureSpec;
  window: WindowSpec;
  normalization: { mean: number; std: number };
  /** One threshold (applied to every class) or one per class. Default 0.5. */
  thresholds?: number | readonly number[];
  /** Data card: datasets, splits, recipe, metrics, date… */
  card?: Record<string, unknown>;
}

/**
 * The full {@link ModelMetadata} of an exported model (output `probabilities`, io `input` → `probabilities`),
 * validated with `parseModelMetadata`.
 * @throws ConfigError naming the bad key.
 * @example
 * ```ts
 * const meta = buildMetadata({ name: 'irmas-cnn', instruments, sampleRate: 22050, features, window: { seconds: 3, hopSeconds: 1.5, padding: 'zero' },
 *   normalization: { mean: -40, std: 20 }, thresholds: tuned.thresholds, card: { data: 'IRMAS train' } });
 * ```
 */
export function buildMetadata(input: MetadataInput): ModelMetadata {
  const k = input.instruments.size;
  const t = input.thresholds ?? 0.5;
  const thresholds = typeof t === 'number' ? new Array<number>(k).fill(t) : [...t];
  if (thresholds.length !== k) {
    throw new ConfigError(`thresholds has ${thresholds.length} values for ${k} instruments.`, {
      details: { key: 'thresholds', expected: k, actual: thresholds.length },
    });
  }
  const meta: ModelMetadata = {
    schema: 1,
    name: input.name,
    instruments: input.instruments.toJSON(),
    sampleRate: input.sampleRate,
    features: input.features,
    window: input.window,
    normalization: input.normalization,
    thresholds,
    output: 'probabilities',
    io: { input: 'input', output: 'probabilities' },
    card: input.card,
  };
  return parseModelMetadata(JSON.parse(JSON.stringify(meta)));
}

/** Options of {@link exportInferenceModel}. */
export interface ExportOptions {
  /** Move initializers larger than this many bytes to `<path>.data`. Default: never. */
  externalDataThreshold?: number;
}

/**
 * Writes the inference model (eval-mode forward, batch-norm folded, `logits` and `probabilities` outputs) of a
 * model function and its weights, with `metadata` stored under `instr.metadata` in `metadata_props`, atomically.
 * Weights: a `TrainSession`'s `getWeights()`, a checkpoint file's bytes, or averaged weights.
 *
 * @example
 * ```ts
 * await exportInferenceModel('model.onnx', model, ['N', 1, 128, 130], session.getWeights(), meta);
 * ```
 */
export async function exportInferenceModel(
  path: string,
  model: ModelFn,
  inputShape: readonly Dim[],
  weights: ReadonlyMap<string, Tensor> | Uint8Array,
  metadata: ModelMetadata,
  options: ExportOptions = {},
): Promise<EncodedModel> {
  const w = weights instanceof Uint8Array ? decodeCheckpoint(weights).tensors : weights;
  const encoded = buildInferenceModel(model, inputShape, w, {
    metadata: { [MODEL_METADATA_KEY]: JSON.stringify(parseModelMetadata(metadata)) },
    externalData:
      options.externalDataThreshold !== undefined
        ? { location: `${path.split(/[\\/]/).pop()}.data`, threshold: options.externalDataThreshold }
        : undefined,
  });
  await writeModelFiles(path, encoded);
  return encoded;
}

/**
 * Weight averaging of checkpoints of one run (e.g. the last epochs): the element-wise mean of every
 * parameter and buffer (optimiser slots are dropped). TrainBatch-norm running statistics are averaged too.
 *
 * @throws ShapeError when the checkpoints do not hold the same tensors.
 * @example
 * ```ts
 * const w = averageWeights(await Promise.all(['epoch-008.ckpt', 'epoch-009.ckpt', 'epoch-010.ckpt'].map(loadCheckpointFile)));
 * ```
 */
export function averageWeights(
  checkpoints: readonly (Uint8Array | ReadonlyMap<string, Tensor>)[],
): Map<string, Tensor> {
  if (checkpoints.length === 0) throw new ShapeError('averageWeights needs at least one checkpoint.');
  const maps = checkpoints.map((c) => (c instanceof Uint8Array ? decodeCheckpoint(c).tensors : c));
  const out = new Map<string, Tensor>();
  for (const [name, t] of maps[0]!) {
    if (name.startsWith('optim.')) continue;
    const acc = new Float64Array(t.size);
    for (const m of maps) {
      const u = m.get(name);
      if (!u || u.dims.join() !== t.dims.join()) {
        throw new ShapeError(
          `averageWeights: tensor "${name}" is missing or has another shape in one checkpoint.`,
          {
            details: { key: name, expected: t.dims, actual: u?.dims },
          },
        );
      }
      for (let i = 0; i < t.size; i++) acc[i]! += Number(u.data[i]);
    }
    const avg = Tensor.zeros(t.dtype, t.dims);
    for (let i = 0; i < t.size; i++) (avg.data as Float32Array)[i] = acc[i]! / maps.length;
    out.set(name, avg);
  }
  return out;
}

/** A forward-only runner of a model with fixed weights (see {@link createPredictor}). */
export interface Predictor {
  /** Probabilities `[B, C]` of a batch `[B, …]`. */
  predict(x: Tensor<'float32'>): Promise<Tensor<'float32'>>;
  /** Penultimate-layer embeddings `[B, D]` (the input of the last dense layer). */
  embed(x: Tensor<'float32'>): Promise<Tensor<'float32'>>;
  release(): Promise<void>;
}

/**
 * The input of the last dense layer feeding the logits: walks back from the logits through Add / Identity /
 * Reshape / Flatten to the last Gemm or MatMul and returns its data input.
 */
function penultimate(b: GraphBuilder, logitsName: string): string {
  let name = logitsName;
  for (let hops = 0; hops < 16; hops++) {
    const node = b.producer.get(name);
    if (!node) break;
    if (node.op === 'Gemm' || node.op === 'MatMul') return node.inputs[0]!;
    if (['Add', 'Identity', 'Reshape', 'Flatten', 'Squeeze'].includes(node.op)) {
      name = node.inputs.find((i) => b.producer.has(i)) ?? node.inputs[0]!;
      continue;
    }
    break;
  }
  throw new ModelError(
    'Could not find the last dense layer (Gemm/MatMul) before the logits to take embeddings from.',
    {
      details: { key: logitsName },
    },
  );
}

/**
 * An inference-mode ONNX Runtime session of a model and weights that outputs probabilities and penultimate
 * embeddings: for ensembles, out-of-fold predictions and embedding export.
 * @example
 * ```ts
 * const p = await createPredictor(ort, model, ['N', 1, 64, 44], session.getWeights());
 * const probs = await p.predict(batch.x);
 * ```
 */
export async function createPredictor(
  ort: OrtModule,
  model: ModelFn,
  inputShape: readonly Dim[],
  weights: ReadonlyMap<string, Tensor> | Uint8Array,
  sessionOptions: InferenceSession.SessionOptions = { intraOpNumThreads: 2, interOpNumThreads: 1 },
): Promise<Predictor> {
  const w = weights instanceof Uint8Array ? decodeCheckpoint(weights).tensors : weights;
  const b = new GraphBuilder({ mode: 'inference', dtype: 'float32', name: 'predictor' });
  const x = b.input('input', 'float32', inputShape);
  const logits = model(b, x);
  const emb = penultimate(b, logits.name);
  b.output('probabilities', b.sigmoid(logits));
  b.output('embedding', b.sym(emb));
  for (const p of b.params.values()) {
    const v = w.get(p.name);
    if (v) p.value = v;
  }
  for (const buf of b.buffers.values()) {
    const v = w.get(buf.name);
    if (v) buf.value = v;
  }
  const { model: bytes } = encodeModel(foldBatchNorm(lowerGraph(b.toGraph())));
  const s = await ort.InferenceSession.create(bytes, sessionOptions);
  const run = async (t: Tensor<'float32'>, out: 'probabilities' | 'embedding') => {
    const r = await s.run({ input: t.toOrt(ort.Tensor) }, [out]);
    return Tensor.fromOrt(r[out]!) as Tensor<'float32'>;
  };
  return {
    predict: (t) => run(t, 'probabilities'),
    embed: (t) => run(t, 'embedding'),
    release: () => s.release(),
  };
}

/** Labels, averaged probabilities and ids of {@link ensemblePredict}. */
export interface EnsemblePredictions {
  labels: Tensor<'float32'>;
  probabilities: Tensor<'float32'>;
  ids: string[];
}

/**
 * Ensemble of models (folds, checkpoints, architectures): the mean of their probabilities over batches.
 * @example
 * ```ts
 * const { probabilities } = await ensemblePredict([p1, p2, p3], test.batches());
 * ```
 */
export async function ensemblePredict(
  predictors: readonly Predictor[],
  batches: TrainBatchIterable,
): Promise<EnsemblePredictions> {
  if (predictors.length === 0)
    throw new ConfigError('ensemblePredict needs at least one predictor.', {
      details: { key: 'predictors' },
    });
  const probs: number[] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  let c = 0;
  for await (const batch of batches) {
    const outs = await Promise.all(predictors.map((p) => p.predict(batch.x)));
    c = outs[0]!.dims[1]!;
    for (let i = 0; i < outs[0]!.size; i++) {
      let s = 0;
      for (const o of outs) s += o.data[i]!;
      probs.push(s / outs.length);
    }
    for (let i = 0; i < batch.y.size; i++) labels.push(batch.y.data[i]!);
    for (let i = 0; i < batch.y.dims[0]!; i++) ids.push(batch.ids?.[i] ?? String(ids.length));
  }
  const n = ids.length;
  return {
    labels: Tensor.from('float32', labels, [n, c]),
    probabilities: Tensor.from('float32', probs, [n, c]),
    ids,
  };
}
