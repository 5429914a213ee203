import { InvalidArgumentError, type Tensor } from '@instr/core';
import { gradients } from '../autodiff/grad.js';
import {
  type BufferInfo,
  type DropoutMaskInfo,
  type FloatDType,
  GraphBuilder,
  type ParamInfo,
  type SymTensor,
} from '../graph/builder.js';
import { lowerGraph } from '../graph/lower.js';
import { bceWithLogits, type Loss } from '../graph/losses.js';
import { type EncodedModel, encodeModel } from '../onnx/encode.js';
import type { Dim } from '../onnx/ir.js';
import { applyOptimizer, groupOf, type OptimizerConfig, type OptimizerSlot } from '../optim/optimizer.js';
import { foldBatchNorm } from './fold.js';

/**
 * A model: a function of the builder and its input that returns logits. It is called once per graph
 * (train / eval / inference), so it must register the same parameters each time (deterministic init:
 * derive initial values from a fixed seed).
 *
 * @example
 * ```ts
 * const model: ModelFn = (b, x) => b.linear(b.flatten(x), b.param('fc.weight', w), b.param('fc.bias', bias));
 * ```
 */
export type ModelFn = (b: GraphBuilder, input: SymTensor) => SymTensor;

/** What to build the training artifacts from. */
export interface TrainingSpec {
  model: ModelFn;
  /** Input shape, batch axis symbolic, e.g. `['N', 1, 128, 128]`. */
  inputShape: readonly Dim[];
  /** Target shape, e.g. `['N', 11]` (multi-hot float targets for BCE). */
  targetShape: readonly Dim[];
  /** Loss plug-in. Default {@link bceWithLogits}. */
  loss?: Loss;
  optimizer: OptimizerConfig;
  /** Float dtype of the whole model. Default `'float32'`. */
  dtype?: FloatDType;
  /** Extra way to freeze parameters by name (in addition to `trainable: false` and frozen groups). */
  freeze?: RegExp;
  /** Default opset 17. */
  opset?: number;
}

/**
 * Train-step and eval models plus everything a runtime needs to drive them.
 *
 * Train-step model I/O: inputs `input`, `target`, dropout masks, `lr`, `step` (float scalars; `step` is 1 for
 * the first update), optimiser slots (`optim.m.<param>`, `optim.v.<param>`, `optim.momentum.<param>`),
 * then every parameter and buffer by name; outputs `loss`, `logits`, `grad_norm` (when clipping), and
 * `new:<name>` for every updated parameter, buffer and slot.
 * Eval model: inputs `input`, `target`, parameters, buffers; outputs `loss`, `logits`.
 */
export interface TrainingArtifacts {
  spec: TrainingSpec;
  trainStep: Uint8Array;
  evalStep: Uint8Array;
  params: ParamInfo[];
  buffers: BufferInfo[];
  slots: OptimizerSlot[];
  /** Names of the parameters the optimiser updates. */
  trainable: string[];
  dropoutMasks: DropoutMaskInfo[];
  /** State input name → train-step output holding its next value. */
  stateOutputs: Record<string, string>;
  /** Fresh copies of the initial state (parameters, buffers, zeroed optimiser slots). */
  initialState(): Map<string, Tensor>;
}

/**
 * Builds the train-step and eval ONNX models of a model function: forward, loss, reverse-mode backward
 * and the optimiser update in one graph.
 *
 * @example
 * ```ts
 * const artifacts = buildTrainingArtifacts({
 *   model, inputShape: ['N', 1, 128, 128], targetShape: ['N', 11],
 *   optimizer: { type: 'adamw', weightDecay: 0.01 },
 * });
 * const session = await TrainSession.create(ort, artifacts);
 * ```
 */
export function buildTrainingArtifacts(spec: TrainingSpec): TrainingArtifacts {
  const dtype = spec.dtype ?? 'float32';
  const lossFn = spec.loss ?? bceWithLogits;
  // train graph
  const b = new GraphBuilder({ mode: 'train', dtype, name: 'train_step' });
  const x = b.input('input', dtype, spec.inputShape);
  const t = b.input('target', dtype, spec.targetShape);
  const logits = spec.model(b, x);
  const loss = lossFn(b, logits, t);
  if (loss.rank !== 0) {
    throw new InvalidArgumentError(`The loss must be a scalar, got shape [${loss.shape.join(', ')}].`, {
      details: { actual: loss.shape },
    });
  }
  const trainable = [...b.params.values()].filter(
    (p) => p.trainable && !groupOf(p, spec.optimizer.groups)?.frozen && !(spec.freeze?.test(p.name) ?? false),
  );
  const grads = gradients(
    b,
    loss,
    trainable.map((p) => b.sym(p.name)),
  );
  const lr = b.input('lr', dtype, []);
  const step = b.input('step', dtype, []);
  const upd = applyOptimizer(
    b,
    new Map(trainable.map((p, i) => [p.name, grads[i]!])),
    spec.optimizer,
    lr,
    step,
  );
  b.output('loss', loss);
  b.output('logits', logits);
  if (upd.gradNorm) b.output('grad_norm', upd.gradNorm);
  const stateOutputs: Record<string, string> = {};
  const emitNew = (name: string, value: SymTensor) => {
    stateOutputs[name] = `new:${name}`;
    b.output(`new:${name}`, value);
  };
  for (const [name, v] of upd.params) emitNew(name, v);
  for (const [name, v] of b.bufferUpdates) emitNew(name, b.sym(v));
  for (const [name, v] of upd.slots) emitNew(name, v);
  const trainStep = encodeModel(lowerGraph(b.toGraph()), { opset: spec.opset }).model;

  // eval graph
  const e = new GraphBuilder({ mode: 'eval', dtype, name: 'eval_step' });
  const ex = e.input('input', dtype, spec.inputShape);
  const et = e.input('target', dtype, spec.targetShape);
  const elogits = spec.model(e, ex);
  e.output('loss', lossFn(e, elogits, et));
  e.output('logits', elogits);
  const evalStep = encodeModel(lowerGraph(e.toGraph()), { opset: spec.opset }).model;

  const params = [...b.params.values()];
  const buffers = [...b.buffers.values()];
  return {
    spec,
    trainStep,
    evalStep,
    params,
    buffers,
    slots: upd.slotInfo,
    trainable: trainable.map((p) => p.name),
    dropoutMasks: b.dropoutMasks,
    stateOutputs,
    initialState: () => {
      const m = new Map<string, Tensor>();
      for (const p of params) m.set(p.name, p.value.clone());
      for (const buf of buffers) m.set(buf.name, buf.value.clone());
      for (const s of upd.slotInfo) m.set(s.name, s.value.clone());
      return m;
    },
  };
}

/** Options of {@link buildInferenceModel}. */
export interface InferenceModelOptions {
  /** Also output `probabilities` = sigmoid(logits). Default true. */
  sigmoid?: boolean;
  /** Fold batch-norm into the preceding convolutions. Default true. */
  foldBatchNorm?: boolean;
  /** Stored as ModelProto `metadata_props` (instrument set, feature parameters, thresholds…). */
  metadata?: Record<string, string>;
  /** Write large initializers to an external-data file (see {@link EncodeOptions.externalData}). */
  externalData?: { location: string; threshold?: number };
  dtype?: FloatDType;
  opset?: number;
}

/**
 * Builds the inference model: the eval-mode forward graph with the given parameter and buffer values
 * as initializers, batch-norm folded, outputs `logits` (and `probabilities`).
 *
 * @example
 * ```ts
 * const { model } = buildInferenceModel(modelFn, ['N', 1, 128, 128], session.state(), {
 *   metadata: { instruments: 'cel,cla,flu' },
 * });
 * ```
 */
export function buildInferenceModel(
  model: ModelFn,
  inputShape: readonly Dim[],
  state: ReadonlyMap<string, Tensor>,
  options: InferenceModelOptions = {},
): EncodedModel {
  const dtype = options.dtype ?? 'float32';
  const b = new GraphBuilder({ mode: 'inference', dtype, name: 'inference' });
  const x = b.input('input', dtype, inputShape);
  const logits = model(b, x);
  b.output('logits', logits);
  if (options.sigmoid ?? true) b.output('probabilities', b.sigmoid(logits));
  for (const p of b.params.values()) {
    const v = state.get(p.name);
    if (v) p.value = v;
  }
  for (const buf of b.buffers.values()) {
    const v = state.get(buf.name);
    if (v) buf.value = v;
  }
  let graph = lowerGraph(b.toGraph());
  if (options.foldBatchNorm ?? true) graph = foldBatchNorm(graph);
  return encodeModel(graph, {
    opset: options.opset,
    metadata: options.metadata,
    externalData: options.externalData,
  });
}
